package io.tollgate.gateway.usage;

import io.tollgate.logging.IsoInstants;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A usage event's JSON (config/schemas/usage-event.json), written field by field with Jackson's
 * streaming generator: the same document as {@link UsageEvent#toJson()} (fields, order, nulls),
 * without building a tree first. Every request makes one, on the event loop that emits it (the
 * write-ahead log writes it in that turn): in an earlier profile of the log's writer thread, the tree
 * and its encoding were most of that thread's time.
 */
public final class UsageEventJson {

  /** Doubles (cost, latencies) by the fast writer: the JDK's conversion showed in the spool writer's profile. */
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .enable(com.fasterxml.jackson.core.StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();

  // The field names encoded once, their quoted UTF-8 bytes copied per event: with the access log's alike, the
  // two writer threads' CPU per small request went from 7.8 to 5.5 µs (loadtests/README.md, session 12).
  private static final SerializedString EVENT_ID = new SerializedString("event_id");
  private static final SerializedString TIME = new SerializedString("time");
  private static final SerializedString REQUEST_ID = new SerializedString("request_id");
  private static final SerializedString ORG_ID = new SerializedString("org_id");
  private static final SerializedString KEY_ID = new SerializedString("key_id");
  private static final SerializedString ENDPOINT = new SerializedString("endpoint");
  private static final SerializedString ENDPOINT_FAMILY = new SerializedString("endpoint_family");
  private static final SerializedString MODEL_REQUESTED = new SerializedString("model_requested");
  private static final SerializedString MODEL_SERVED = new SerializedString("model_served");
  private static final SerializedString BACKEND_ID = new SerializedString("backend_id");
  private static final SerializedString STATUS = new SerializedString("status");
  private static final SerializedString ERROR_KIND = new SerializedString("error_kind");
  private static final SerializedString STREAM = new SerializedString("stream");
  private static final SerializedString PROMPT_TOKENS = new SerializedString("prompt_tokens");
  private static final SerializedString COMPLETION_TOKENS = new SerializedString("completion_tokens");
  private static final SerializedString CACHED_TOKENS = new SerializedString("cached_tokens");
  private static final SerializedString REASONING_TOKENS = new SerializedString("reasoning_tokens");
  private static final SerializedString AUDIO_SECONDS = new SerializedString("audio_seconds");
  private static final SerializedString COST_USD = new SerializedString("cost_usd");
  private static final SerializedString TTFT_MS = new SerializedString("ttft_ms");
  private static final SerializedString LATENCY_MS = new SerializedString("latency_ms");
  private static final SerializedString CLIENT_DISCONNECTED = new SerializedString("client_disconnected");
  private static final SerializedString CONFIG_VERSION = new SerializedString("config_version");

  /**
   * Each writing thread's buffer, reset per event: a new one per event (512 bytes, grown past them
   * for most events, then copied out) was a tenth of the gateway's allocations under load.
   */
  private static final ThreadLocal<ByteArrayBuilder> BUFFER = ThreadLocal.withInitial(() -> new ByteArrayBuilder(1024));

  private UsageEventJson() {
  }

  /** The event as UTF-8 JSON bytes. */
  public static byte[] bytes(UsageEvent event) {
    ByteArrayBuilder out = BUFFER.get();
    out.reset();
    try (JsonGenerator json = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      write(event, json);
      json.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void write(UsageEvent event, JsonGenerator json) throws IOException {
    json.writeStartObject();
    string(json, EVENT_ID, event.eventId());
    string(json, TIME, IsoInstants.format(event.time()));
    string(json, REQUEST_ID, event.requestId());
    string(json, ORG_ID, event.orgId());
    string(json, KEY_ID, event.keyId());
    string(json, ENDPOINT, event.endpoint());
    string(json, ENDPOINT_FAMILY, event.endpointFamily());
    string(json, MODEL_REQUESTED, event.modelRequested());
    string(json, MODEL_SERVED, event.modelServed());
    string(json, BACKEND_ID, event.backendId());
    number(json, STATUS, event.status());
    string(json, ERROR_KIND, event.errorKind());
    flag(json, STREAM, event.stream());
    number(json, PROMPT_TOKENS, event.promptTokens());
    number(json, COMPLETION_TOKENS, event.completionTokens());
    number(json, CACHED_TOKENS, event.cachedTokens());
    number(json, REASONING_TOKENS, event.reasoningTokens());
    number(json, AUDIO_SECONDS, event.audioSeconds());
    number(json, COST_USD, event.costUsd());
    if (event.ttftMillis() < 0) {
      json.writeFieldName(TTFT_MS);
      json.writeNull();
    } else {
      number(json, TTFT_MS, event.ttftMillis());
    }
    number(json, LATENCY_MS, event.latencyMillis());
    flag(json, CLIENT_DISCONNECTED, event.clientDisconnected());
    number(json, CONFIG_VERSION, event.configVersion());
    json.writeEndObject();
  }

  /** A string field (null written as null, as writeStringField does). */
  private static void string(JsonGenerator json, SerializedString name, String value) throws IOException {
    json.writeFieldName(name);
    json.writeString(value);
  }

  private static void number(JsonGenerator json, SerializedString name, long value) throws IOException {
    json.writeFieldName(name);
    json.writeNumber(value);
  }

  private static void number(JsonGenerator json, SerializedString name, double value) throws IOException {
    json.writeFieldName(name);
    json.writeNumber(value);
  }

  private static void flag(JsonGenerator json, SerializedString name, boolean value) throws IOException {
    json.writeFieldName(name);
    json.writeBoolean(value);
  }

}

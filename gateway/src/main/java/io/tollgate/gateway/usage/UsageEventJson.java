package io.tollgate.gateway.usage;

import io.tollgate.logging.IsoInstants;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
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
    json.writeStringField("event_id", event.eventId());
    json.writeStringField("time", IsoInstants.format(event.time()));
    json.writeStringField("request_id", event.requestId());
    json.writeStringField("org_id", event.orgId());
    json.writeStringField("key_id", event.keyId());
    json.writeStringField("endpoint", event.endpoint());
    json.writeStringField("endpoint_family", event.endpointFamily());
    json.writeStringField("model_requested", event.modelRequested());
    json.writeStringField("model_served", event.modelServed());
    json.writeStringField("backend_id", event.backendId());
    json.writeNumberField("status", event.status());
    json.writeStringField("error_kind", event.errorKind());
    json.writeBooleanField("stream", event.stream());
    json.writeNumberField("prompt_tokens", event.promptTokens());
    json.writeNumberField("completion_tokens", event.completionTokens());
    json.writeNumberField("cached_tokens", event.cachedTokens());
    json.writeNumberField("reasoning_tokens", event.reasoningTokens());
    json.writeNumberField("audio_seconds", event.audioSeconds());
    json.writeNumberField("cost_usd", event.costUsd());
    if (event.ttftMillis() < 0) {
      json.writeNullField("ttft_ms");
    } else {
      json.writeNumberField("ttft_ms", event.ttftMillis());
    }
    json.writeNumberField("latency_ms", event.latencyMillis());
    json.writeBooleanField("client_disconnected", event.clientDisconnected());
    json.writeNumberField("config_version", event.configVersion());
    json.writeEndObject();
  }
}

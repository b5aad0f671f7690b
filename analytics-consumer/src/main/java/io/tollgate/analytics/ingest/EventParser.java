package io.tollgate.analytics.ingest;

import io.tollgate.analytics.store.UsageRecord;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;

/**
 * Turns a message body into a {@link UsageRecord}, or says why it never can: not JSON, or not a
 * usage event by config/schemas/usage-event.json (the same file the gateway tests itself against).
 * The checks are the schema file's, compiled (see {@link EventSchema}).
 */
public final class EventParser {

  public static final String SCHEMA_RESOURCE = "tollgate-config/schemas/usage-event.json";

  /** Either a record or the reason there is none. */
  public record Parsed(UsageRecord record, String reason) {
    static Parsed ok(UsageRecord record) {
      return new Parsed(record, null);
    }

    public static Parsed poison(String reason) {
      return new Parsed(null, reason);
    }
  }

  private final EventSchema schema;

  public EventParser() {
    this.schema = EventSchema.compile(schema());
  }

  public static JsonObject schema() {
    try (InputStream in = EventParser.class.getClassLoader().getResourceAsStream(SCHEMA_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(SCHEMA_RESOURCE + " is missing from the classpath");
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Parsed parse(byte[] body) {
    JsonObject json;
    try {
      Object value = Buffer.buffer(body).toJsonValue();
      if (!(value instanceof JsonObject object)) {
        return Parsed.poison("not a JSON object");
      }
      json = object;
    } catch (DecodeException e) {
      return Parsed.poison("not JSON: " + firstLine(e.getMessage()));
    }
    List<String> violations = schema.violations(json);
    if (!violations.isEmpty()) {
      return Parsed.poison("not a usage event by usage-event.json: " + String.join("; ", violations));
    }
    try {
      return Parsed.ok(record(json));
    } catch (DateTimeParseException | IllegalArgumentException | ClassCastException e) {
      return Parsed.poison("not a usage event: " + e.getMessage());
    }
  }

  /**
   * An anonymous event (a request answered before a key was authenticated) has no org and no key;
   * it is stored under the empty id, which no org or key can have (ids have at least a character),
   * so the rollups keep their key and it is counted in the reliability figures of all orgs, never in
   * one org's usage.
   */
  private static String anonymousAsEmpty(String id) {
    return id == null ? UsageRecord.ANONYMOUS : id;
  }

  private static UsageRecord record(JsonObject json) {
    Number ttft = json.getNumber("ttft_ms");
    return new UsageRecord(
        UUID.fromString(json.getString("event_id")),
        OffsetDateTime.parse(json.getString("time")).withOffsetSameInstant(ZoneOffset.UTC),
        json.getString("request_id"),
        anonymousAsEmpty(json.getString("org_id")),
        anonymousAsEmpty(json.getString("key_id")),
        json.getString("endpoint"),
        json.getString("model_requested"),
        json.getString("model_served"),
        json.getString("backend_id"),
        json.getInteger("status"),
        json.getString("error_kind"),
        json.getBoolean("stream"),
        json.getLong("prompt_tokens"),
        json.getLong("completion_tokens"),
        json.getLong("cached_tokens"),
        decimal(json.getNumber("cost_usd")),
        ttft == null ? null : ttft.doubleValue(),
        json.getNumber("latency_ms").doubleValue(),
        json.getBoolean("client_disconnected"),
        json.getLong("config_version"),
        json.getString("endpoint_family"),
        json.getLong("reasoning_tokens", 0L),
        json.getNumber("audio_seconds", 0).doubleValue());
  }

  /** The decimal the gateway wrote (shortest form of the double), not the double's binary value. */
  private static BigDecimal decimal(Number number) {
    if (number instanceof BigDecimal decimal) {
      return decimal;
    }
    if (number instanceof Double || number instanceof Float) {
      return BigDecimal.valueOf(number.doubleValue());
    }
    return BigDecimal.valueOf(number.longValue());
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int newline = message.indexOf('\n');
    String line = newline < 0 ? message : message.substring(0, newline);
    return line.length() > 200 ? line.substring(0, 200) + "…" : line;
  }
}

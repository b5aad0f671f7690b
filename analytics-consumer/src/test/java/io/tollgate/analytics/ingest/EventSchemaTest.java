package io.tollgate.analytics.ingest;

import io.tollgate.analytics.testsupport.Events;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.Validator;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The consumer's side of the contract: config/schemas/usage-event.json, compiled into fast checks,
 * accepts and refuses exactly what a general JSON Schema validator does with the same file.
 */
class EventSchemaTest {

  private static final Validator GENERAL = Validator.create(JsonSchema.of(EventParser.schema()),
      new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri("https://tollgate.io/schemas/")
          .setOutputFormat(OutputFormat.Flag));
  private static final EventSchema COMPILED = EventSchema.compile(EventParser.schema());

  private static JsonObject valid() {
    return Events.event(7, Instant.parse("2025-03-01T12:00:00.123456Z"));
  }

  private static List<UnaryOperator<JsonObject>> variants() {
    List<UnaryOperator<JsonObject>> variants = new ArrayList<>();
    // valid ones
    variants.add(e -> e);
    variants.add(e -> e.put("ttft_ms", null).put("backend_id", null).put("model_served", null).put("error_kind", "x"));
    variants.add(e -> e.put("time", "2025-03-01T12:00:00+02:00").put("cost_usd", 0).put("status", 499));
    variants.add(e -> e.put("prompt_tokens", 5.0).put("extra_field_from_a_newer_gateway", true));
    // anonymous: answered before a key was authenticated (401, 413 at the front door)
    variants.add(e -> e.putNull("org_id").putNull("key_id").put("status", 401).put("error_kind", "unauthorized"));
    // an older gateway's event, without the fields added later
    variants.add(e -> {
      e.remove("endpoint_family");
      e.remove("reasoning_tokens");
      e.remove("audio_seconds");
      return e;
    });
    // invalid ones
    List<Object> required = EventParser.schema().getJsonArray("required").getList();
    for (String name : EventParser.schema().getJsonObject("properties").fieldNames()) {
      if (required.contains(name)) {
        variants.add(e -> {
          e.remove(name);
          return e;
        });
      }
      variants.add(e -> e.put(name, new JsonObject()));
    }
    variants.add(e -> e.put("endpoint_family", "Chat Completions"));
    variants.add(e -> e.put("reasoning_tokens", -1));
    variants.add(e -> e.put("event_id", "not-a-uuid"));
    variants.add(e -> e.put("time", "1 March 2025"));
    variants.add(e -> e.put("request_id", ""));
    variants.add(e -> e.put("request_id", "r".repeat(129)));
    variants.add(e -> e.put("org_id", ""));
    variants.add(e -> e.put("endpoint", "v1/chat"));
    variants.add(e -> e.put("status", 99));
    variants.add(e -> e.put("status", 600));
    variants.add(e -> e.put("status", 200.5));
    variants.add(e -> e.put("stream", "true"));
    variants.add(e -> e.put("prompt_tokens", -1));
    variants.add(e -> e.put("completion_tokens", 1.5));
    variants.add(e -> e.put("cost_usd", -0.01));
    variants.add(e -> e.put("ttft_ms", -1));
    variants.add(e -> e.put("latency_ms", null));
    variants.add(e -> e.put("config_version", -3));
    return variants;
  }

  @Test
  void compiledChecksAgreeWithAGeneralValidatorOnValidAndInvalidEvents() {
    int valid = 0;
    List<UnaryOperator<JsonObject>> variants = variants();
    for (int i = 0; i < variants.size(); i++) {
      JsonObject event = variants.get(i).apply(valid());
      boolean general = Boolean.TRUE.equals(GENERAL.validate(event).getValid());
      List<String> violations = COMPILED.violations(event);
      assertEquals(general, violations.isEmpty(), "variant " + i + ": " + event.encode() + " → " + violations);
      valid += general ? 1 : 0;
    }
    assertEquals(6, valid, "the first six variants are the valid ones");
  }

  @Test
  void theParserReturnsTypedRecordsOrTheReason() {
    EventParser parser = new EventParser();
    EventParser.Parsed ok = parser.parse(valid().encode().getBytes());
    assertNull(ok.reason());
    assertEquals("req-7", ok.record().requestId());
    assertEquals(Instant.parse("2025-03-01T12:00:00.123456Z"), ok.record().time().toInstant());
    assertEquals(new java.math.BigDecimal(Double.toString(valid().getDouble("cost_usd"))), ok.record().costUsd(),
        "the decimal the gateway wrote, not the binary double");

    assertTrue(parser.parse("[1]".getBytes()).reason().contains("not a JSON object"));
    assertTrue(parser.parse("{".getBytes()).reason().startsWith("not JSON"));
    String reason = parser.parse(valid().put("status", 42).put("org_id", "").encode().getBytes()).reason();
    assertTrue(reason.contains("org_id: shorter than 1") && reason.contains("status: 42 is less than 100"), reason);
  }

  @Test
  void aSchemaKeywordTheConsumerDoesNotKnowStopsItAtStart() {
    JsonObject schema = EventParser.schema();
    schema.getJsonObject("properties").getJsonObject("status").put("multipleOf", 2);
    IllegalStateException refused = assertThrows(IllegalStateException.class, () -> EventSchema.compile(schema));
    assertTrue(refused.getMessage().contains("multipleOf"), refused.getMessage());
  }
}

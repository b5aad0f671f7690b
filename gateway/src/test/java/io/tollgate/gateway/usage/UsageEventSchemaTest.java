package io.tollgate.gateway.usage;

import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gateway's side of the contract: what it emits matches config/schemas/usage-event.json. */
class UsageEventSchemaTest {

  private static JsonObject schema() throws Exception {
    try (InputStream in = UsageEventSchemaTest.class.getClassLoader()
        .getResourceAsStream("tollgate-config/schemas/usage-event.json")) {
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  private static OutputUnit validate(JsonObject instance) throws Exception {
    Validator validator = Validator.create(JsonSchema.of(schema()), new JsonSchemaOptions()
        .setDraft(Draft.DRAFT202012).setBaseUri("https://tollgate.io/schemas/").setOutputFormat(OutputFormat.Basic));
    return validator.validate(instance);
  }

  @Test
  void successFailureDisconnectAndAnonymousEventsAllMatchTheSchema() throws Exception {
    UsageEvent disconnected = new UsageEvent(io.tollgate.gateway.ids.Ids.uuidV7(), Instant.now(), "r", "o", "k",
        "/v1/chat/completions", "chat", "m", "m", "b", 499, "client_disconnected", true, 5, 3, 0, 0, 0, 0.1, -1, 9, true,
        0);
    UsageEvent anonymous = UsageEvent.anonymous("r", "/v1/chat/completions", "chat", 401, "invalid_api_key", 0.2, 3);
    for (UsageEvent event : new UsageEvent[] {UsageEvents.numbered(7), UsageEvents.failed(8), disconnected, anonymous}) {
      OutputUnit result = validate(event.toJson());
      assertTrue(result.getValid(), () -> event + " → " + result.getErrors());
    }
  }

  @Test
  void theStreamedEncodingIsTheSameDocumentInTheSameOrder() throws Exception {
    UsageEvent refused = UsageEvent.refused("r\"quoted\u00e9", "o", "k", "/v1/completions", "completions", null, false, 429,
        "rate_limit_exceeded", 0.25, 3);
    for (UsageEvent event : new UsageEvent[] {UsageEvents.numbered(7), UsageEvents.failed(8), refused}) {
      String streamed = new String(UsageEventJson.bytes(event), java.nio.charset.StandardCharsets.UTF_8);
      assertEquals(event.toJson().encode(), streamed, "what the spool and RabbitMQ carry is what toJson() says");
      assertTrue(validate(new JsonObject(streamed)).getValid());
    }
  }

  @Test
  void theEventCarriesExactlyTheFieldsTheSchemaNames() throws Exception {
    JsonObject schema = schema();
    TreeSet<String> documented = new TreeSet<>(schema.getJsonObject("properties").fieldNames());
    assertEquals(documented, new TreeSet<>(UsageEvents.numbered(1).toJson().fieldNames()));
    TreeSet<String> required = new TreeSet<>(documented);
    // Added later, optional so that events spooled by an older gateway stay valid; always sent.
    required.removeAll(java.util.Set.of("endpoint_family", "reasoning_tokens", "audio_seconds"));
    assertEquals(required, new TreeSet<>(schema.getJsonArray("required").getList()));
  }

  @Test
  void theSchemaRefusesWhatAConsumerCouldNotStore() throws Exception {
    JsonObject good = UsageEvents.numbered(1).toJson();
    assertFalse(validate(good.copy().put("event_id", "not-a-uuid")).getValid());
    assertFalse(validate(good.copy().put("time", "yesterday")).getValid());
    assertFalse(validate(good.copy().put("prompt_tokens", -1)).getValid());
    assertFalse(validate(good.copy().put("status", 42)).getValid());
    JsonObject missing = good.copy();
    missing.remove("org_id");
    assertFalse(validate(missing).getValid());
  }
}

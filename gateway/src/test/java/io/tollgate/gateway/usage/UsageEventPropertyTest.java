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
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Property: whatever a client puts in the fields it controls (model, request id, and whatever ends
 * up in the others: long, non-ASCII, control characters, lone surrogates, empty), the event the
 * gateway emits (its streamed bytes, as the log and RabbitMQ carry them) validates against
 * config/schemas/usage-event.json, and what fits the schema is kept as it was.
 */
class UsageEventPropertyTest {

  private static final int CASES = 3_000;

  private static Validator validator() throws Exception {
    try (InputStream in = UsageEventPropertyTest.class.getClassLoader()
        .getResourceAsStream("tollgate-config/schemas/usage-event.json")) {
      JsonObject schema = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      return Validator.create(JsonSchema.of(schema), new JsonSchemaOptions().setDraft(Draft.DRAFT202012)
          .setBaseUri("https://tollgate.io/schemas/").setOutputFormat(OutputFormat.Basic));
    }
  }

  /** Hostile text: any length up to 2,000 characters, drawn from ASCII, controls, non-Latin, emoji and halves of them. */
  static String hostile(Random random) {
    int length = switch (random.nextInt(5)) {
      case 0 -> 0;
      case 1 -> 1 + random.nextInt(20);
      case 2 -> 250 + random.nextInt(20);
      case 3 -> 1 + random.nextInt(300);
      default -> random.nextInt(2_000);
    };
    StringBuilder text = new StringBuilder();
    while (text.length() < length) {
      switch (random.nextInt(7)) {
        case 0 -> text.append((char) (0x20 + random.nextInt(0x5f)));
        case 1 -> text.append((char) random.nextInt(0x20));
        case 2 -> text.append('\u007f').append('\u0085');
        case 3 -> text.append("é漢字ß");
        case 4 -> text.appendCodePoint(0x1F600 + random.nextInt(64));
        case 5 -> text.append((char) (0xD800 + random.nextInt(0x800)));
        default -> text.append("\"\\/\u2028");
      }
    }
    return text.toString();
  }

  private static String maybe(Random random) {
    return random.nextInt(6) == 0 ? null : hostile(random);
  }

  @Test
  void everyEventValidatesWhateverTheClientSent() throws Exception {
    Validator validator = validator();
    long seed = System.nanoTime();
    Random random = new Random(seed);
    for (int i = 0; i < CASES; i++) {
      boolean anonymous = random.nextInt(8) == 0;
      String org = anonymous ? null : hostile(random);
      UsageEvent event = new UsageEvent(io.tollgate.gateway.ids.Ids.uuidV7(), Instant.now(), hostile(random), org,
          anonymous ? null : hostile(random), random.nextBoolean() ? "/v1/chat/completions" : hostile(random),
          random.nextBoolean() ? "chat" : maybe(random),
          maybe(random), maybe(random), maybe(random), 100 + random.nextInt(500), maybe(random), random.nextBoolean(),
          random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong(),
          random.nextInt(3) == 0 ? Double.NaN : random.nextGaussian() * 10, random.nextGaussian(),
          random.nextInt(3) == 0 ? Double.NaN : random.nextGaussian() * 100, random.nextGaussian() * 100,
          random.nextBoolean(), random.nextLong());
      String emitted = new String(UsageEventJson.bytes(event), StandardCharsets.UTF_8);
      OutputUnit result = validator.validate(new JsonObject(emitted));
      int index = i;
      assertTrue(result.getValid(), () -> "seed " + seed + ", case " + index + ": " + result.getErrors() + "\n" + emitted);
    }
  }

  @Test
  void anEndpointFamilyIsKeptOnlyWhenTheSchemasPatternHoldsIt() {
    // [a-z_]{1,32}
    for (String kept : List.of("chat", "chat_completions", "a", "_", "z".repeat(32))) {
      assertEquals(kept, UsageFields.family(kept), kept);
    }
    for (String dropped : Arrays.asList(null, "", "Chat", "chat-2", "chat ", "z".repeat(33), "é", "a\u0000")) {
      assertEquals(null, UsageFields.family(dropped), String.valueOf(dropped));
    }
  }

  @Test
  void aModelNameLongerThanTheSchemaAllowsIsCutNotLostAndWhatFitsIsKept() throws Exception {
    String longModel = "m".repeat(300) + "漢";
    UsageEvent event = UsageEvent.refused("req-1", "org", "key", "/v1/chat/completions", "chat", longModel, false, 404,
        "model_not_found", 1.5, 3);
    assertEquals("m".repeat(256), event.modelRequested());
    assertTrue(validator().validate(new JsonObject(new String(UsageEventJson.bytes(event),
        StandardCharsets.UTF_8))).getValid());

    String fits = "mistral/ミストラル-7b 😀";
    UsageEvent kept = UsageEvent.refused("req-2", "org", "key", "/v1/chat/completions", "chat", fits, false, 404,
        "model_not_found", 1.5, 3);
    assertEquals(fits, kept.modelRequested(), "a valid name is kept exactly");
    // A pair is never cut in half: 255 characters and an emoji is 256 code points.
    String edge = "x".repeat(255) + "😀" + "tail";
    assertEquals("x".repeat(255) + "😀", UsageEvent.refused("r", "o", "k", "/v1/x", "chat", edge, false, 404, "e", 1, 1)
        .modelRequested());
    assertEquals("a\uFFFDb\uFFFD", UsageEvent.refused("r", "o", "k", "/v1/x", "chat", "a\u0000b\uD800", false, 404, "e", 1, 1)
        .modelRequested(), "NUL and a lone surrogate are replaced");
  }
}

package io.tollgate.gateway.stream;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class UsageFieldTest {

  @Test
  void readsTheUsageObjectAndTheIdWhereverTheyAreAndNothingElse() {
    JsonObject usage = new JsonObject().put("prompt_tokens", 12).put("completion_tokens", 8).put("total_tokens", 20)
        .put("prompt_tokens_details", new JsonObject().put("cached_tokens", 4));
    JsonObject response = new JsonObject().put("id", "cmpl-1").put("usage", usage)
        .put("choices", new io.vertx.core.json.JsonArray().add(new JsonObject().put("text", "{\"usage\":1}")));
    assertEquals(usage, UsageField.read(response.toBuffer()).usage());
    assertEquals("cmpl-1", UsageField.read(response.toBuffer()).id());
    UsageField.Found nested = UsageField.read(Buffer.buffer("{\"output\":[{\"id\":\"msg_1\",\"usage\":{\"x\":1}}],"
        + "\"usage\":" + usage.encode() + ",\"id\":\"resp_1\"}"));
    assertEquals(usage, nested.usage(), "only the top-level usage counts");
    assertEquals("resp_1", nested.id(), "and the top-level id (a Responses output item has its own)");
  }

  @Test
  void noUsageOrNoJsonIsNull() {
    assertNull(UsageField.read(Buffer.buffer("{\"id\":\"x\",\"usage\":null}")).usage());
    assertNull(UsageField.read(Buffer.buffer("{\"id\":\"x\"}")).usage());
    assertNull(UsageField.read(Buffer.buffer("not json")).usage());
    assertNull(UsageField.read(Buffer.buffer("")).id());
  }
}

package io.tollgate.gateway.stream;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class UsageFieldTest {

  @Test
  void readsTheUsageObjectWhereverItIsAndNothingElse() {
    JsonObject usage = new JsonObject().put("prompt_tokens", 12).put("completion_tokens", 8).put("total_tokens", 20)
        .put("prompt_tokens_details", new JsonObject().put("cached_tokens", 4));
    JsonObject response = new JsonObject().put("id", "cmpl-1").put("usage", usage)
        .put("choices", new io.vertx.core.json.JsonArray().add(new JsonObject().put("text", "{\"usage\":1}")));
    assertEquals(usage, UsageField.read(response.toBuffer()));
    assertEquals(usage, UsageField.read(Buffer.buffer("{\"choices\":[{\"usage\":{\"x\":1}}],\"usage\":" + usage.encode() + "}")),
        "only the top-level usage counts");
  }

  @Test
  void noUsageOrNoJsonIsNull() {
    assertNull(UsageField.read(Buffer.buffer("{\"id\":\"x\",\"usage\":null}")));
    assertNull(UsageField.read(Buffer.buffer("{\"id\":\"x\"}")));
    assertNull(UsageField.read(Buffer.buffer("not json")));
    assertNull(UsageField.read(Buffer.buffer("")));
  }
}

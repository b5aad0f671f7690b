package io.tollgate.gateway.stream;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

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
  void theUsageObjectIsReadWholeWhateverItHolds() {
    // Built in the pass that finds it: every JSON type, nesting, big and fractional numbers.
    String usage = "{\"prompt_tokens\":12,\"cost\":0.000125,\"big\":12345678901234,\"cached\":true,"
        + "\"missing\":null,\"details\":{\"audio\":{\"seconds\":1.5,\"ids\":[1,\"a\",[false],{\"n\":null}]}},"
        + "\"list\":[]}";
    UsageField.Found found = UsageField.read(Buffer.buffer("{\"usage\":" + usage + ",\"id\":\"c\"}"));
    assertEquals(new JsonObject(usage), found.usage());
    assertEquals(12345678901234L, found.usage().getLong("big"));
    assertEquals(0.000125, found.usage().getDouble("cost"));
    assertEquals(List.of(), found.usage().getJsonArray("list").getList());
    assertEquals("c", found.id());
  }

  @Test
  void noUsageOrNoJsonIsNull() {
    assertNull(UsageField.read(Buffer.buffer("{\"id\":\"x\",\"usage\":null}")).usage());
    assertNull(UsageField.read(Buffer.buffer("{\"id\":\"x\"}")).usage());
    assertNull(UsageField.read(Buffer.buffer("not json")).usage());
    assertNull(UsageField.read(Buffer.buffer("")).id());
  }

  @Test
  void readsABodyThatIsPartOfALargerBufferOrOffTheHeap() {
    String answer = "{\"id\":\"cmpl-2\",\"usage\":{\"prompt_tokens\":3}}";
    Buffer around = Buffer.buffer("garbage{" + answer + "}tail");
    Buffer slice = around.slice(8, 8 + answer.length()); // read straight from the array: its offset counts
    assertEquals("cmpl-2", UsageField.read(slice).id());
    assertEquals(3, UsageField.read(slice).usage().getInteger("prompt_tokens"));
    Buffer direct = io.vertx.core.internal.buffer.BufferInternal.buffer(
        io.netty.buffer.Unpooled.directBuffer().writeBytes(answer.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    assertEquals("cmpl-2", UsageField.read(direct).id());
  }
}

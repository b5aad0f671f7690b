package io.tollgate.loadtest.client;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChunkReaderTest {

  private static Chunk read(String data) throws IOException {
    byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
    return ChunkReader.read(bytes, bytes.length);
  }

  @Test
  void roleChunkHasChoicesButNoText() throws IOException {
    Chunk c = read("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
        + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,"
        + "\"finish_reason\":null}]}");
    assertTrue(c.hasChoices());
    assertFalse(c.hasText());
    assertEquals(-1, c.completionTokens());
  }

  @Test
  void chatTokenChunk() throws IOException {
    Chunk c = read("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\" .\"},\"logprobs\":null,"
        + "\"finish_reason\":\"stop\",\"stop_reason\":null}]}");
    assertTrue(c.hasChoices());
    assertTrue(c.hasText());
    assertFalse(c.isError());
  }

  @Test
  void completionsChunkWithNullUsage() throws IOException {
    Chunk c = read("{\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"created\":1,\"model\":\"m\",\"choices\":"
        + "[{\"index\":0,\"text\":\" a\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":null}],\"usage\":null}");
    assertTrue(c.hasChoices());
    assertTrue(c.hasText());
    assertEquals(-1, c.completionTokens());
  }

  @Test
  void usageChunkHasNoChoices() throws IOException {
    Chunk c = read("{\"id\":\"x\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[],"
        + "\"usage\":{\"prompt_tokens\":12,\"total_tokens\":19,\"completion_tokens\":7}}");
    assertFalse(c.hasChoices());
    assertEquals(7, c.completionTokens());
    assertEquals(12, c.promptTokens());
  }

  @Test
  void errorEventsInBothShapes() throws IOException {
    assertEquals("boom", read("{\"error\":{\"message\":\"boom\",\"type\":\"InternalServerError\",\"param\":null,"
        + "\"code\":500}}").errorMessage());
    assertEquals("old", read("{\"object\":\"error\",\"message\":\"old\",\"type\":\"BadRequestError\",\"code\":400}")
        .errorMessage());
    assertNull(read("{\"error\":null,\"choices\":[]}").errorMessage());
  }

  @Test
  void doneSentinel() throws IOException {
    assertTrue(read("[DONE]").done());
    assertTrue(read(" [DONE] ").done());
  }

  @Test
  void garbageIsAnError() {
    assertThrows(IOException.class, () -> read("not json"));
    assertThrows(IOException.class, () -> read("[1,2]"));
  }
}

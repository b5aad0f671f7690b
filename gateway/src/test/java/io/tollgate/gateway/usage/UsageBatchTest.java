package io.tollgate.gateway.usage;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The batch envelope: its body and how a run of events is cut into messages. */
class UsageBatchTest {

  private static byte[] bytes(int length) {
    return "x".repeat(length).getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void theBodyIsOneEventPerLineEachEndedByANewline() {
    byte[] body = UsageBatch.body(List.of("{\"a\":1}".getBytes(StandardCharsets.UTF_8),
        "{\"b\":2}".getBytes(StandardCharsets.UTF_8)));
    assertEquals("{\"a\":1}\n{\"b\":2}\n", new String(body, StandardCharsets.UTF_8));
    assertEquals(2, UsageBatch.properties(2).getHeaders().get(UsageBatch.EVENTS_HEADER));
    assertEquals(UsageBatch.VERSION, UsageBatch.properties(2).getHeaders().get(UsageBatch.VERSION_HEADER));
    assertEquals(UsageBatch.CONTENT_TYPE, UsageBatch.properties(2).getContentType());
    assertEquals(2, UsageBatch.properties(2).getDeliveryMode(), "persistent");
  }

  @Test
  void aChunkStopsAtTheEventCountOrTheByteLimitWhicheverComesFirst() {
    List<byte[]> lines = List.of(bytes(99), bytes(99), bytes(99), bytes(99), bytes(99));
    assertEquals(3, UsageBatch.nextChunk(lines, 0, 3, 10_000), "count first");
    assertEquals(2, UsageBatch.nextChunk(lines, 0, 10, 299), "bytes first: each line costs 100 with its newline");
    assertEquals(3, UsageBatch.nextChunk(lines, 0, 10, 300), "exactly at the limit fits");
    assertEquals(2, UsageBatch.nextChunk(lines, 3, 10, 10_000), "the rest from an offset");
    assertEquals(0, UsageBatch.nextChunk(lines, 5, 10, 10_000), "nothing left");
  }

  @Test
  void anEventLargerThanTheByteLimitGoesAloneRatherThanNever() {
    List<byte[]> lines = List.of(bytes(5_000), bytes(10), bytes(10));
    assertEquals(1, UsageBatch.nextChunk(lines, 0, 256, 1_024));
    assertEquals(2, UsageBatch.nextChunk(lines, 1, 256, 1_024));
  }
}

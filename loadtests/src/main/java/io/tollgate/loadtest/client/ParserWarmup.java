package io.tollgate.loadtest.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Runs the SSE parser and chunk reader over synthetic chunks before a run, so the JIT has compiled the
 * per-chunk path before the first measured token: a cold harness adds its own milliseconds to early TTFTs.
 */
public final class ParserWarmup {

  private static final byte[] CHUNKS = ("data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\","
      + "\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" word\"},"
      + "\"logprobs\":null,\"finish_reason\":null}]}\n\n"
      + "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
      + "\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"total_tokens\":5,\"completion_tokens\":2}}\n\n"
      + "data: [DONE]\n\n").getBytes(StandardCharsets.UTF_8);

  private ParserWarmup() {
  }

  /** @return a checksum, so the work cannot be optimised away */
  public static long run(int rounds) {
    long[] sum = new long[1];
    SseParser parser = new SseParser((data, length) -> {
      try {
        Chunk chunk = ChunkReader.read(data, length);
        sum[0] += chunk.completionTokens() + (chunk.hasChoices() ? 1 : 0);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    for (int i = 0; i < rounds; i++) {
      parser.feed(CHUNKS, 0, CHUNKS.length);
    }
    return sum[0];
  }
}

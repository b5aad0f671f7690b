package io.tollgate.gpu.simulator;

import java.util.concurrent.ThreadLocalRandom;

/** Request ids: the client's {@code X-Request-Id} when given, else 32 random hex digits like vLLM's uuid4().hex. */
final class RequestIds {

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private RequestIds() {
  }

  static String fromHeaderOrRandom(String header) {
    return header != null && !header.isBlank() ? header : random();
  }

  static String random() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    char[] out = new char[32];
    for (int i = 0; i < out.length; i += 16) {
      long bits = random.nextLong();
      for (int j = 0; j < 16; j++) {
        out[i + j] = HEX[(int) (bits >>> (j * 4)) & 0xF];
      }
    }
    return new String(out);
  }
}

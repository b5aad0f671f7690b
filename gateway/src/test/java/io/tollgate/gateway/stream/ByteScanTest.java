package io.tollgate.gateway.stream;

import org.junit.jupiter.api.Test;

import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ByteScanTest {

  private static int naive(byte[] bytes, int from, int to, byte value) {
    for (int i = from; i < to; i++) {
      if (bytes[i] == value) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void findsTheFirstOccurrenceAsALoopWouldAtEveryAlignmentAndLength() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int round = 0; round < 20_000; round++) {
      byte[] bytes = new byte[random.nextInt(0, 40)];
      for (int i = 0; i < bytes.length; i++) {
        // Few distinct values, some with the high bit set and neighbours of the target: the cases
        // where a word-at-a-time test could report a false match.
        bytes[i] = (byte) new int[] {'\n', '"', 0x0b, 0x09, 0x8a, 0x00, 0xff, 'a'}[random.nextInt(8)];
      }
      int from = bytes.length == 0 ? 0 : random.nextInt(bytes.length + 1);
      int to = from + random.nextInt(bytes.length - from + 1);
      for (byte value : new byte[] {'\n', '"'}) {
        assertEquals(naive(bytes, from, to, value), ByteScan.indexOf(bytes, from, to, value));
      }
    }
  }
}

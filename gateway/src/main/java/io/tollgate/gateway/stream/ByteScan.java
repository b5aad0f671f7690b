package io.tollgate.gateway.stream;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Finds a byte in an array eight at a time (SWAR: the classic "has a zero byte" test on the word
 * XOR the byte repeated), for the SSE scan, which looks at every byte a stream carries.
 */
final class ByteScan {

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;

  private ByteScan() {
  }

  /** The index of the first {@code value} in {@code [from, to)}, or -1. */
  static int indexOf(byte[] bytes, int from, int to, byte value) {
    long pattern = (value & 0xFFL) * ONES;
    int i = from;
    for (; i + Long.BYTES <= to; i += Long.BYTES) {
      long x = (long) LONGS.get(bytes, i) ^ pattern;
      // The lowest flagged byte is exact (little-endian: the first in memory); higher ones may not be.
      long found = (x - ONES) & ~x & HIGHS;
      if (found != 0) {
        return i + (Long.numberOfTrailingZeros(found) >>> 3);
      }
    }
    for (; i < to; i++) {
      if (bytes[i] == value) {
        return i;
      }
    }
    return -1;
  }
}

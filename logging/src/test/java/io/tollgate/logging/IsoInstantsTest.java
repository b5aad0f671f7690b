package io.tollgate.logging;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Log lines and usage events keep the timestamps they always had: the JDK's text, character for character. */
class IsoInstantsTest {

  @Test
  void writesWhatInstantToStringWrites() {
    SplittableRandom random = new SplittableRandom(7);
    long from = Instant.parse("1970-01-01T00:00:00Z").getEpochSecond();
    long to = Instant.parse("2100-01-01T00:00:00Z").getEpochSecond();
    for (int i = 0; i < 200_000; i++) {
      long second = random.nextLong(from, to);
      int nanos = switch (i % 4) {
        case 0 -> 0;
        case 1 -> random.nextInt(1_000) * 1_000_000;
        case 2 -> random.nextInt(1_000_000) * 1_000;
        default -> random.nextInt(1_000_000_000);
      };
      Instant instant = Instant.ofEpochSecond(second, nanos);
      assertEquals(instant.toString(), IsoInstants.format(instant));
      // The same second again, another fraction: the remembered second must not leak its fraction.
      Instant sameSecond = Instant.ofEpochSecond(second, (nanos + 1_000_000) % 1_000_000_000);
      assertEquals(sameSecond.toString(), IsoInstants.format(sameSecond));
    }
  }

  @Test
  void edgesOfTheRangeAndBeyond() {
    for (String text : new String[] {"0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z",
        "+10000-01-01T00:00:00Z", "-0001-12-31T23:59:59Z", "2026-12-07T11:00:00.100Z"}) {
      Instant instant = Instant.parse(text);
      assertEquals(instant.toString(), IsoInstants.format(instant));
    }
    assertEquals(Instant.ofEpochMilli(1_765_000_000_123L).toString(), IsoInstants.ofEpochMilli(1_765_000_000_123L));
  }
}

package io.tollgate.gateway.metrics;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The registry's wall clock is late by at most its period (plus scheduling), and it keeps moving. */
class CoarseWallClockTest {

  private static final long SLACK_MILLIS = 250; // a busy 2-core machine may run the ticker late

  @Test
  void theWallTimeFollowsTheSystemClockWithinItsPeriod() throws InterruptedException {
    CoarseWallClock clock = CoarseWallClock.INSTANCE;
    long first = clock.wallTime();
    assertClose(clock);
    Thread.sleep(5 * CoarseWallClock.PERIOD_MILLIS);
    long later = clock.wallTime();
    assertTrue(later - first >= 2 * CoarseWallClock.PERIOD_MILLIS,
        "the ticker moves the wall time on: " + first + " then " + later);
    assertClose(clock);
  }

  @Test
  void theMonotonicTimeIsExact() {
    long before = System.nanoTime();
    long read = CoarseWallClock.INSTANCE.monotonicTime();
    long after = System.nanoTime();
    assertTrue(before <= read && read <= after, "nanoTime itself: " + before + " <= " + read + " <= " + after);
  }

  private static void assertClose(CoarseWallClock clock) {
    long lag = System.currentTimeMillis() - clock.wallTime();
    assertTrue(lag >= 0 && lag <= CoarseWallClock.PERIOD_MILLIS + SLACK_MILLIS, "the wall time is late by " + lag + " ms");
  }
}

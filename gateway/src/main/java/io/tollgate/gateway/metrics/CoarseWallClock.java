package io.tollgate.gateway.metrics;

import io.micrometer.core.instrument.Clock;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Micrometer's clock for the gateway's registry: the wall time from a field a daemon thread
 * refreshes every {@value #PERIOD_MILLIS} ms, the monotonic time exact. A timer with a histogram
 * reads the wall clock twice per record (its max's and its histogram's time-window rotation): on the
 * per-token gap timer that was 1.2 % of a stream's event-loop samples. What the wall time drives here
 * rotates every 20 s (the max's and the histogram's windows: the registry's one-minute step over
 * three buffers) or stamps a meter's creation, so being
 * {@value #PERIOD_MILLIS} ms late changes nothing; durations are measured by the callers' own
 * {@code System.nanoTime()} or by {@link #monotonicTime()}.
 */
public final class CoarseWallClock implements Clock {

  static final long PERIOD_MILLIS = 50;
  /** One per process: the registry of every gateway in it (and of every test) shares the ticker. */
  public static final CoarseWallClock INSTANCE = new CoarseWallClock();

  private volatile long wallMillis = System.currentTimeMillis();

  private CoarseWallClock() {
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "tollgate-metrics-clock");
      thread.setDaemon(true);
      return thread;
    });
    ticker.scheduleAtFixedRate(() -> wallMillis = System.currentTimeMillis(), PERIOD_MILLIS, PERIOD_MILLIS,
        TimeUnit.MILLISECONDS);
  }

  @Override
  public long wallTime() {
    return wallMillis;
  }

  @Override
  public long monotonicTime() {
    return System.nanoTime();
  }
}

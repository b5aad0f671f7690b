package io.tollgate.gateway.limit;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A lock-free token bucket in its GCRA form: one "theoretical arrival time" (TAT) per bucket.
 * A bucket of {@code capacity} units refilling {@code capacity} units per {@code period} lets a
 * cost through when {@code max(tat, now) + cost·interval - now <= period}. The bucket refills
 * continuously, so there is no window edge at which a client may burst twice.
 *
 * <p>All times are nanoseconds from the caller's clock ({@code System.nanoTime()} in production,
 * a fake in tests). Many event loops may call concurrently: every change is one CAS.
 */
public final class Gcra {

  private final AtomicLong tat;

  public Gcra(long nowNanos) {
    this.tat = new AtomicLong(nowNanos);
  }

  /**
   * Takes {@code cost} units if they fit.
   *
   * @return 0 when taken, else how many nanoseconds until they would fit (Long.MAX_VALUE when the
   *     cost exceeds the capacity and never fits)
   */
  public long tryTake(long cost, long capacity, long periodNanos, long nowNanos) {
    if (cost > capacity) {
      return Long.MAX_VALUE;
    }
    long increment = increment(cost, capacity, periodNanos);
    while (true) {
      long current = tat.get();
      long newTat = Math.max(current, nowNanos) + increment;
      long excess = newTat - nowNanos - periodNanos;
      if (excess > 0) {
        return excess;
      }
      if (tat.compareAndSet(current, newTat)) {
        return 0;
      }
    }
  }

  /** Gives back units taken earlier (an unused reservation). Never refills beyond full. */
  public void giveBack(long units, long capacity, long periodNanos, long nowNanos) {
    long decrement = increment(units, capacity, periodNanos);
    while (true) {
      long current = tat.get();
      long newTat = Math.max(current - decrement, nowNanos);
      if (newTat == current || tat.compareAndSet(current, newTat)) {
        return;
      }
    }
  }

  /** Charges units unconditionally (usage beyond what was reserved). */
  public void charge(long units, long capacity, long periodNanos, long nowNanos) {
    long increment = increment(units, capacity, periodNanos);
    while (true) {
      long current = tat.get();
      if (tat.compareAndSet(current, Math.max(current, nowNanos) + increment)) {
        return;
      }
    }
  }

  /** Whole units available now. */
  public long remaining(long capacity, long periodNanos, long nowNanos) {
    long used = Math.max(0, tat.get() - nowNanos);
    long free = periodNanos - used;
    return free <= 0 ? 0 : (long) ((double) free * capacity / periodNanos);
  }

  /** Nanoseconds until the bucket is full again. */
  public long nanosUntilFull(long nowNanos) {
    return Math.max(0, tat.get() - nowNanos);
  }

  private static long increment(long units, long capacity, long periodNanos) {
    // units × (period / capacity), computed in double to stay exact enough without overflow.
    return (long) Math.ceil((double) units * periodNanos / capacity);
  }
}

package io.tollgate.gateway.route;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counters over a sliding time window, kept in a ring of time buckets: adding is one or two
 * atomic operations and never blocks, so event loops record into it concurrently. A bucket that
 * comes round again is cleared by the first writer that sees it is old; a count racing that
 * clearing may be lost, which an error rate or a budget can afford. Time is passed in.
 */
final class WindowedCounts {

  private final long bucketMillis;
  private final int buckets;
  private final int width;
  private final AtomicLongArray epochs;
  private final AtomicLongArray counts;

  /**
   * @param windowMillis the window
   * @param buckets      its resolution
   * @param width        counters per bucket
   */
  WindowedCounts(long windowMillis, int buckets, int width) {
    this.bucketMillis = Math.max(1, windowMillis / buckets);
    this.buckets = buckets;
    this.width = width;
    this.epochs = new AtomicLongArray(buckets);
    this.counts = new AtomicLongArray(buckets * width);
    for (int i = 0; i < buckets; i++) {
      epochs.set(i, -1);
    }
  }

  void add(long nowMillis, int counter, long delta) {
    counts.addAndGet(slot(nowMillis) * width + counter, delta);
  }

  /** The counter summed over the buckets still inside the window. */
  long sum(long nowMillis, int counter) {
    long current = nowMillis / bucketMillis;
    long total = 0;
    for (int i = 0; i < buckets; i++) {
      long epoch = epochs.get(i);
      if (epoch > current - buckets && epoch <= current) {
        total += counts.get(i * width + counter);
      }
    }
    return total;
  }

  private int slot(long nowMillis) {
    long epoch = nowMillis / bucketMillis;
    int slot = (int) Math.floorMod(epoch, (long) buckets);
    long seen = epochs.get(slot);
    if (seen != epoch && epochs.compareAndSet(slot, seen, epoch)) {
      for (int c = 0; c < width; c++) {
        counts.set(slot * width + c, 0);
      }
    }
    return slot;
  }
}

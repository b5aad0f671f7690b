package io.tollgate.gateway.limit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Settlements Redis did not take (reset, hung, timed out), kept to be tried again until they land.
 * Settling is idempotent in Redis (settle.lua deletes the reservation record the first time), so
 * retrying one that did land after all changes nothing. Bounded: beyond {@code capacity} pending,
 * or once a reservation's record has expired in Redis anyway, a settlement is given up and counted
 * (its slot frees when its lease ends).
 *
 * <p>Lock-free: settlements fail on any event loop; the retry pass runs on one at a time.
 */
final class PendingSettles {

  /** One settlement to try again: the keys and arguments of its settle.lua call. */
  record Pending(RedisKeys keys, List<String> args, long firstFailedNanos) {
  }

  private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private final int capacity;
  private final long giveUpAfterNanos;
  private final AtomicLong kept = new AtomicLong();
  private final AtomicLong landed = new AtomicLong();
  private final AtomicLong abandoned = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();

  PendingSettles(int capacity, long giveUpAfterNanos) {
    this.capacity = capacity;
    this.giveUpAfterNanos = giveUpAfterNanos;
  }

  /** Keeps a failed settlement; false (and counted as abandoned) when full. */
  boolean keep(Pending pending) {
    if (size.incrementAndGet() > capacity) {
      size.decrementAndGet();
      abandoned.incrementAndGet();
      return false;
    }
    queue.add(pending);
    kept.incrementAndGet();
    return true;
  }

  /**
   * Takes every pending settlement now queued for a retry, dropping (and counting) those too old to
   * matter; the taken ones still count as pending until {@link #landed} or {@link #again}.
   */
  List<Pending> takeAll(long nowNanos) {
    List<Pending> taken = new ArrayList<>();
    Pending pending;
    while ((pending = queue.poll()) != null) {
      if (nowNanos - pending.firstFailedNanos() > giveUpAfterNanos) {
        size.decrementAndGet();
        abandoned.incrementAndGet();
      } else {
        taken.add(pending);
      }
    }
    retries.addAndGet(taken.size());
    return taken;
  }

  /** A retried settlement that failed again goes back in line (not counted as newly kept). */
  void again(Pending pending) {
    queue.add(pending);
  }

  /** A kept settlement landed: it no longer counts as pending. */
  void landed() {
    size.decrementAndGet();
    landed.incrementAndGet();
  }

  int size() {
    return Math.max(0, size.get());
  }

  long kept() {
    return kept.get();
  }

  long landedAfterRetry() {
    return landed.get();
  }

  long abandoned() {
    return abandoned.get();
  }

  long retries() {
    return retries.get();
  }
}

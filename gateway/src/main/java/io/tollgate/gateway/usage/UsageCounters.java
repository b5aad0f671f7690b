package io.tollgate.gateway.usage;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntConsumer;

/** The sink's counters; the two on the request path are LongAdders so event loops do not contend. */
final class UsageCounters {

  final LongAdder emitted = new LongAdder();
  final LongAdder queued = new LongAdder();
  final AtomicLong published = new AtomicLong();
  final AtomicLong confirmed = new AtomicLong();
  final AtomicLong spooled = new AtomicLong();
  final AtomicLong replayed = new AtomicLong();
  final AtomicLong dropped = new AtomicLong();
  final AtomicLong messages = new AtomicLong();
  // Events per confirmed message, to a histogram once metrics are bound (GatewayMetrics).
  private volatile IntConsumer messageSizes = events -> { };

  void messageConfirmed(int events) {
    messages.incrementAndGet();
    messageSizes.accept(events);
  }

  void observeMessageSizes(IntConsumer observer) {
    messageSizes = observer;
  }

  UsageMetrics snapshot(long backlog, UsageWal wal) {
    return new UsageMetrics(emitted.sum(), queued.sum(), published.get(), confirmed.get(), spooled.get(),
        replayed.get(), dropped.get() + wal.unencodable(), backlog, wal.written(), wal.syncs(), wal.recovered(),
        messages.get(), wal.unprepared());
  }
}

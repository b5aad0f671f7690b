package io.tollgate.frontdoor;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One periodic check per event loop over that loop's connections, instead of a timer per
 * connection re-armed on every request: a request only writes a field, the sweep compares. The
 * sweep's clock is read once per period, so deadlines are accurate to one period. Confined to its
 * event loop; it runs only while the loop has connections.
 */
final class DeadlineSweep {

  /** A connection's deadlines, HTTP/1.1's or HTTP/2's. */
  interface Watched {
    boolean expired(long now);

    void expire();
  }

  private final EventExecutor loop;
  private final long periodNanos;
  private final Set<Watched> connections = new LinkedHashSet<>();
  private ScheduledFuture<?> task;
  private long now = System.nanoTime();

  DeadlineSweep(EventExecutor loop, long periodNanos) {
    this.loop = loop;
    this.periodNanos = periodNanos;
  }

  /** The loop's coarse clock (System.nanoTime() as of the last sweep or registration). */
  long now() {
    return now;
  }

  void add(Watched connection) {
    now = System.nanoTime();
    connections.add(connection);
    if (task == null) {
      task = loop.scheduleAtFixedRate(this::sweep, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
    }
  }

  void remove(Watched connection) {
    connections.remove(connection);
    if (connections.isEmpty() && task != null) {
      task.cancel(false);
      task = null;
    }
  }

  private void sweep() {
    now = System.nanoTime();
    List<Watched> expired = null;
    for (Watched connection : connections) {
      if (connection.expired(now)) {
        if (expired == null) {
          expired = new ArrayList<>();
        }
        expired.add(connection);
      }
    }
    if (expired != null) {
      // Expiring closes channels, which removes them from the set: not while iterating it.
      expired.forEach(Watched::expire);
    }
  }
}

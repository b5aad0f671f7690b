package io.tollgate.gateway.usage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The publisher's loop, on its own thread: take batches from the in-memory queue, publish each as
 * one AMQP message ({@link UsageBatch}) with one confirm, and keep everything that is not confirmed in the disk spool. While the broker is away
 * the queue drains straight into the spool; when it is back, the spool is replayed in order, oldest
 * segment first, before newer events, and each segment is deleted only once all of it is confirmed.
 */
final class UsagePublisher implements Runnable {

  private static final Logger LOG = Logger.getLogger(UsagePublisher.class.getName());
  private static final long FIRST_RETRY_MILLIS = 100;
  private static final long IDLE_PARK_MILLIS = 100;

  /** A flush or close request, ordered behind the events emitted before it. */
  static final class Marker {
    final CompletableFuture<Void> done = new CompletableFuture<>();
    final boolean close;

    Marker(boolean close) {
      this.close = close;
    }
  }

  private final EventBuffer buffer;
  private final DiskSpool spool;
  private final UsageWal wal;
  private final BrokerLink link;
  private final UsageCounters counters;
  private final int batchSize;
  private final long batchMaxBytes;
  private final long batchMaxDelayNanos;
  private final long reconnectMaxDelayMillis;
  private volatile Thread thread;
  /**
   * Queued events at which {@link #offered} wakes the publisher: 1 while it waits for a batch's first,
   * what fills its batch while it lingers, never while it works. Set before the publisher checks the
   * queue and parks, read by producers after they queued: one of the two sees the other.
   */
  private volatile int wakeAt = Integer.MAX_VALUE;
  // Events taken from the queue and not yet confirmed or spooled: part of the backlog.
  private final java.util.concurrent.atomic.AtomicLong inHand = new java.util.concurrent.atomic.AtomicLong();
  // An event taken from the queue that did not fit in the message being filled (bytes): in hand.
  private UsageWal.Entry carried;

  private long retryDelayMillis = FIRST_RETRY_MILLIS;
  private long nextConnectAt;
  private boolean brokerAway;
  private boolean closing;
  // How far into a spool segment the broker has confirmed, so a replay cut short resumes there.
  private long replaySequence = -1;
  private int replayedLines;

  UsagePublisher(EventBuffer buffer, DiskSpool spool, UsageWal wal, BrokerLink link, UsageCounters counters,
                 int batchSize, long batchMaxBytes, long batchMaxDelayMillis, long reconnectMaxDelayMillis) {
    this.buffer = buffer;
    this.spool = spool;
    this.wal = wal;
    this.link = link;
    this.counters = counters;
    this.batchSize = batchSize;
    this.batchMaxBytes = batchMaxBytes;
    this.batchMaxDelayNanos = batchMaxDelayMillis * 1_000_000L;
    this.reconnectMaxDelayMillis = reconnectMaxDelayMillis;
  }

  Thread start() {
    Thread started = new Thread(this, "tollgate-usage-publisher");
    started.setDaemon(true);
    thread = started;
    started.start();
    return started;
  }

  /** A marker was queued: the publisher takes it now. */
  void wake() {
    Thread current = thread;
    if (current != null) {
      LockSupport.unpark(current);
    }
  }

  /**
   * Events were queued (on an event loop, mostly, once per turn): the publisher is woken only when
   * they are what it waits for (the first of a batch, or enough to fill the one it lingers on), so a
   * loop does not pay a wake-up (a futex call) per turn for a publisher that would park again.
   */
  void offered() {
    if (buffer.events() >= wakeAt) {
      wake();
    }
  }

  boolean connected() {
    return link.isOpen();
  }

  long inHand() {
    return inHand.get();
  }

  @Override
  public void run() {
    List<Marker> markers = new ArrayList<>();
    Marker closeRequest = null;
    while (true) {
      try {
        connectWhenDue();
        if (!closing && link.isOpen() && spool.hasBacklog()) {
          replayOldestSegment();
          continue;
        }
        List<UsageWal.Entry> batch = takeBatch(markers);
        if (!batch.isEmpty()) {
          deliver(batch);
          inHand.addAndGet(-batch.size());
        }
        if (!markers.isEmpty()) {
          // Everything before the markers is confirmed or handed to the spool: make the spool durable.
          spool.sync().join();
          for (Marker marker : markers) {
            if (marker.close) {
              closing = true;
              closeRequest = marker;
            } else {
              marker.done.complete(null);
            }
          }
          markers.clear();
        }
        if (closing && buffer.isEmpty() && carried == null) {
          finish(closeRequest);
          return;
        }
      } catch (RuntimeException | Error e) {
        // Never let the thread die with events in hand; a bug here is logged and the loop goes on.
        LOG.log(Level.SEVERE, "usage publisher: unexpected failure; retrying", e);
        LockSupport.parkNanos(FIRST_RETRY_MILLIS * 1_000_000L);
      }
    }
  }

  private void finish(Marker closeRequest) {
    link.close();
    spool.close().join();
    closeRequest.done.complete(null);
    LOG.fine("usage publisher stopped");
  }

  private void connectWhenDue() {
    if (link.isOpen()) {
      return;
    }
    if (System.currentTimeMillis() < nextConnectAt) {
      return;
    }
    try {
      link.open();
      retryDelayMillis = FIRST_RETRY_MILLIS;
      if (brokerAway) {
        LOG.info("usage publisher: broker reachable again; replaying " + spool.pendingLines() + " spooled event(s)");
      }
      brokerAway = false;
    } catch (IOException | TimeoutException | RuntimeException e) {
      brokerUnavailable(e);
    }
  }

  private void brokerUnavailable(Exception cause) {
    link.close();
    if (!brokerAway) {
      LOG.log(Level.WARNING, "usage publisher: broker unavailable (" + cause + "); spooling events to "
          + spool.dir() + " until it is back");
    }
    brokerAway = true;
    nextConnectAt = System.currentTimeMillis() + retryDelayMillis;
    retryDelayMillis = Math.min(reconnectMaxDelayMillis, retryDelayMillis * 2);
  }

  /**
   * The next message's events: what is ready now, up to {@code batchSize} events and
   * {@code batchMaxBytes} of JSON, returned as soon as the queue is empty ("natural batching": no
   * added wait, yet while a confirm is awaited the next batch fills). With a positive
   * {@code batchMaxDelay} a partial batch waits that long for more. Returns early at a marker. Idle,
   * it parks until the log's lanes hand events on (or {@value #IDLE_PARK_MILLIS} ms pass).
   */
  private List<UsageWal.Entry> takeBatch(List<Marker> markers) {
    List<UsageWal.Entry> batch = new ArrayList<>();
    long bytes = 0;
    long deadline = 0;
    while (batch.size() < batchSize) {
      Object item = nextItem();
      if (item instanceof UsageWal.Entry event) {
        long size = event.body().length + 1L;
        if (!batch.isEmpty() && bytes + size > batchMaxBytes) {
          carried = event; // first of the next message
          return batch;
        }
        if (batch.isEmpty()) {
          deadline = System.nanoTime() + batchMaxDelayNanos;
        }
        batch.add(event);
        bytes += size;
      } else if (item instanceof Marker marker) {
        markers.add(marker);
        return batch;
      } else {
        if (closing) {
          return batch;
        }
        if (!batch.isEmpty() && (batchMaxDelayNanos == 0 || !link.isOpen())) {
          return batch;
        }
        long wait = batch.isEmpty() ? IDLE_PARK_MILLIS * 1_000_000L : deadline - System.nanoTime();
        if (wait <= 0) {
          return batch;
        }
        wakeAt = batch.isEmpty() ? 1 : batchSize - batch.size();
        if (buffer.events() < wakeAt) {
          LockSupport.parkNanos(this, wait);
        }
        wakeAt = Integer.MAX_VALUE;
        if (batch.isEmpty() && buffer.isEmpty()) {
          return batch;
        }
      }
    }
    return batch;
  }

  /** The event a full message left over, else the queue's next item (an event is then in hand). */
  private Object nextItem() {
    if (carried != null) {
      Object item = carried;
      carried = null;
      return item;
    }
    Object item = buffer.poll();
    if (item instanceof UsageWal.Entry) {
      inHand.incrementAndGet();
    }
    return item;
  }

  /**
   * To the broker with confirms; anything not confirmed goes to the spool. The write-ahead log lets
   * go of the entries once the broker confirmed them, or once the spool has them on disk.
   */
  private void deliver(List<UsageWal.Entry> entries) {
    List<byte[]> bodies = new ArrayList<>(entries.size());
    for (UsageWal.Entry entry : entries) {
      bodies.add(entry.body());
    }
    if (link.isOpen() && publish(bodies)) {
      wal.done(entries);
      return;
    }
    spoolAll(entries, bodies);
  }

  /** Entries the broker did not take, to the spool; the log keeps them until the spool synced them. */
  static void spoolAll(DiskSpool spool, UsageWal wal, UsageCounters counters, List<UsageWal.Entry> entries,
                       List<byte[]> bodies) {
    if (spool.append(bodies)) {
      counters.spooled.addAndGet(bodies.size());
      spool.sync().thenRun(() -> wal.done(entries));
    } else {
      // Kept in the write-ahead log: replayed at the next start.
      LOG.severe("usage publisher: spool closed; " + bodies.size() + " event(s) left in the write-ahead log for the"
          + " next start");
    }
  }

  private void spoolAll(List<UsageWal.Entry> entries, List<byte[]> bodies) {
    spoolAll(spool, wal, counters, entries, bodies);
  }

  /** The events as one message; true once the broker confirmed it. */
  private boolean publish(List<byte[]> bodies) {
    counters.published.addAndGet(bodies.size());
    try {
      link.publishConfirmed(bodies);
      counters.confirmed.addAndGet(bodies.size());
      counters.messageConfirmed(bodies.size());
      return true;
    } catch (IOException | TimeoutException | RuntimeException e) {
      brokerUnavailable(e);
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      brokerUnavailable(e);
      return false;
    }
  }

  /** Publishes the oldest spool segment, a message per batch; deletes it once all of it is confirmed. */
  private void replayOldestSegment() {
    spool.seal().join();
    DiskSpool.Segment segment;
    try {
      segment = spool.oldestSealed();
      if (segment == null) {
        return;
      }
      List<byte[]> lines = segment.lines();
      if (replaySequence != segment.sequence()) {
        replaySequence = segment.sequence();
        replayedLines = 0;
      }
      while (replayedLines < lines.size()) {
        List<byte[]> chunk = lines.subList(replayedLines,
            replayedLines + UsageBatch.nextChunk(lines, replayedLines, batchSize, batchMaxBytes));
        if (!publish(chunk)) {
          // Resumed from replayedLines once the broker is back. A batch whose confirm was lost is
          // published again: the consumer drops such repeats by event_id.
          return;
        }
        counters.replayed.addAndGet(chunk.size());
        replayedLines += chunk.size();
      }
      spool.delete(segment);
    } catch (IOException e) {
      LOG.log(Level.WARNING, "usage publisher: cannot read or delete spool segment; retrying", e);
      LockSupport.parkNanos(FIRST_RETRY_MILLIS * 1_000_000L);
    }
  }
}

package io.tollgate.gateway.usage;

import io.tollgate.gateway.config.RabbitSettings;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.concurrent.CompletableFuture;
import java.util.logging.Logger;

/**
 * Platform mode's usage sink: events to RabbitMQ in batches, one message and one publisher confirm
 * per batch ({@link UsageBatch}), never lost.
 *
 * <p>{@link #emit} (on the request path) encodes the event and keeps it for the write-ahead log's
 * one write at the end of the event loop's turn ({@link UsageWal}: the only disk work on a loop, a
 * page-cache write, never an fsync); then it goes to a bounded lock-free queue, and when that is full
 * to the disk spool's own writer thread, so the request path never waits for the broker or a disk
 * sync and never drops. A publisher thread publishes batches,
 * spools what the broker does not confirm, and replays the spool in order when the broker is back.
 * See docs/analytics.md and docs/adr/0005-usage-publisher-on-a-dedicated-thread.md.
 */
public final class RabbitUsageSink implements UsageSink {

  private static final Logger LOG = Logger.getLogger(RabbitUsageSink.class.getName());

  private final Vertx vertx;
  private final RabbitSettings settings;
  private final EventBuffer buffer;
  private final DiskSpool spool;
  private final UsageWal wal;
  private final UsagePublisher publisher;
  private final UsageCounters counters = new UsageCounters();
  private volatile boolean closed;
  private volatile Future<Void> closing;

  private RabbitUsageSink(Vertx vertx, RabbitSettings settings, DiskSpool spool, UsageWal wal) {
    this.vertx = vertx;
    this.settings = settings;
    this.buffer = new EventBuffer(settings.queueCapacity());
    this.spool = spool;
    this.wal = wal;
    BrokerLink link = new BrokerLink(settings.url(), topology(settings), settings.confirmTimeoutMs());
    this.publisher = new UsagePublisher(buffer, spool, wal, link, counters, settings.batchSize(),
        settings.batchMaxBytes(), settings.batchMaxDelayMs(), settings.reconnectMaxDelayMs());
  }

  /** The write-ahead log of a spool folder: its own subfolder, under the spool's lock. */
  static java.nio.file.Path walDir(RabbitSettings settings) {
    return settings.spoolDir().resolve("wal");
  }

  public static UsageTopology topology(RabbitSettings settings) {
    return new UsageTopology(settings.exchange(), settings.queue());
  }

  /**
   * Opens the spool (off the event loop: it reads what an earlier run left) and starts the
   * publisher. Succeeds whether or not the broker is reachable: events spool until it is.
   */
  public static Future<RabbitUsageSink> start(Vertx vertx, RabbitSettings settings) {
    return vertx.<RabbitUsageSink>executeBlocking(() -> {
          DiskSpool spool = DiskSpool.open(settings.spoolDir(), DiskSpool.DEFAULT_SEGMENT_BYTES);
          UsageWal wal = UsageWal.open(walDir(settings), UsageWal.DEFAULT_SEGMENT_BYTES, true, spool);
          return new RabbitUsageSink(vertx, settings, spool, wal);
        })
        .map(sink -> {
          sink.wal.start(sink.new ToPublisher());
          sink.wal.laneForEachLoop(vertx);
          sink.publisher.start();
          LOG.info(() -> "usage events to RabbitMQ exchange " + settings.exchange() + ", queue " + settings.queue()
              + "; spool " + settings.spoolDir().toAbsolutePath());
          return sink;
        });
  }

  /**
   * On the request path: to the write-ahead log, written at the end of this event-loop turn (at once
   * on another thread), then handed to the publisher.
   */
  @Override
  public void emit(UsageEvent event) {
    counters.emitted.increment();
    if (!closed && wal.append(event)) {
      return;
    }
    // Closing: to the spool's writer thread, never dropped while it is open.
    if (spool.append(UsageEventJson.bytes(event))) {
      counters.spooled.incrementAndGet();
    } else {
      counters.dropped.incrementAndGet();
      LOG.severe(() -> "usage event " + event.eventId() + " emitted after the usage sink closed; lost");
    }
  }

  /** Completes once every event emitted before it is confirmed by the broker or on disk. */
  @Override
  public Future<Void> flush() {
    if (closed) {
      return closing;
    }
    UsagePublisher.Marker marker = new UsagePublisher.Marker(false);
    wal.mark(marker);
    return onCallerContext(marker.done);
  }

  /** Publishes what is pending if the broker is there, spools the rest, and stops. */
  @Override
  public synchronized Future<Void> close() {
    if (closing == null) {
      UsagePublisher.Marker marker = new UsagePublisher.Marker(true);
      wal.mark(marker);
      closed = true;
      closing = onCallerContext(marker.done.thenCompose(v -> wal.close()));
    }
    return closing;
  }

  /** Completes on the caller's Vert.x context (or a new one), not on the publisher thread. */
  private Future<Void> onCallerContext(CompletableFuture<Void> done) {
    Context context = vertx.getOrCreateContext();
    Promise<Void> promise = Promise.promise();
    done.whenComplete((ok, failure) -> context.runOnContext(v -> {
      if (failure != null) {
        promise.fail(failure);
      } else {
        promise.complete();
      }
    }));
    return promise.future();
  }

  /** Receives each write-ahead log write's duration in ns (on the thread that wrote: an event loop, mostly). */
  public void observeLogWrites(java.util.function.LongConsumer observer) {
    wal.observeWrites(observer);
  }

  /** Receives the event count of every message the broker confirms (on the publisher thread). */
  public void observeMessageSizes(java.util.function.IntConsumer observer) {
    counters.observeMessageSizes(observer);
  }

  public UsageMetrics metrics() {
    return counters.snapshot(buffer.events() + publisher.inHand() + spool.pendingLines(), wal);
  }

  /**
   * On the thread that wrote them to the log (an event loop, at the end of its turn, mostly): entries
   * into the publisher's bounded lock-free queue, what does not fit to the spool's writer thread (the
   * log keeps them until the spool synced them). Never blocks.
   */
  private final class ToPublisher implements UsageWal.Handoff {
    @Override
    public void entries(java.util.List<UsageWal.Entry> entries) {
      java.util.List<UsageWal.Entry> overflow = null;
      for (UsageWal.Entry entry : entries) {
        if (buffer.offer(entry)) {
          counters.queued.increment();
        } else {
          if (overflow == null) {
            overflow = new java.util.ArrayList<>();
          }
          overflow.add(entry);
        }
      }
      if (overflow != null) {
        UsagePublisher.spoolAll(spool, wal, counters, overflow, overflow.stream().map(UsageWal.Entry::body).toList());
      }
      // Natural batching: the publisher takes what is ready whenever it is free.
      publisher.offered();
    }

    @Override
    public void marker(Object marker) {
      buffer.mark(marker);
      publisher.wake();
    }
  }

  /** Whether the publisher holds an open connection to the broker now. */
  public boolean connected() {
    return publisher.connected();
  }

  public RabbitSettings settings() {
    return settings;
  }
}

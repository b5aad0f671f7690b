package io.tollgate.gateway.usage;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The write-ahead log's group commit: one thread that fsyncs the segment last written to, once for
 * every batch written since its previous fsync, then waits {@value #PAUSE_NANOS} ns; and that
 * syncs and closes the segments the writer rolled away from. The writer
 * never waits for it: a slow disk delays only the fsync, never the next write (which is what a
 * kill -9 needs); a node's loss costs what was written since the last fsync, about ten
 * milliseconds. Events reach the publisher after their fsync, so this pause also sets how many a
 * publish carries: every 2 ms made twice the broker's work per event in platform mode.
 *
 * <p>Each round it also runs the log's maintenance (the next segment created, done ones deleted):
 * file system work that waits for the journal, kept off the writer's thread.
 */
final class WalSyncer {

  private static final Logger LOG = Logger.getLogger(WalSyncer.class.getName());
  private static final long PAUSE_NANOS = 10_000_000L;

  private final Thread thread = new Thread(this::run, "tollgate-usage-wal-sync");
  private final AtomicLong syncs;
  private volatile FileChannel unsynced;
  private final ConcurrentLinkedQueue<FileOutputStream> toClose = new ConcurrentLinkedQueue<>();
  private final CompletableFuture<Void> finished = new CompletableFuture<>();
  private volatile boolean stopped;
  private final boolean fsync;
  private final Runnable maintenance;

  /**
   * @param fsync       false: segments are closed without fsync (tests)
   * @param maintenance run each round, on this thread
   */
  WalSyncer(AtomicLong syncs, boolean fsync, Runnable maintenance) {
    this.syncs = syncs;
    this.fsync = fsync;
    this.maintenance = maintenance;
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** The writer wrote to this segment: fsync it at the next round. */
  void written(FileChannel segment) {
    unsynced = segment;
  }

  /** A segment the writer rolled away from: fsynced one last time, then closed, here. */
  void closeLater(FileOutputStream segment) {
    toClose.add(segment);
  }

  /** Completes once every segment handed over is synced and closed. */
  CompletableFuture<Void> stop() {
    stopped = true;
    LockSupport.unpark(thread);
    if (!thread.isAlive()) {
      closeAll();
      finished.complete(null);
    }
    return finished;
  }

  private void run() {
    while (!stopped) {
      FileChannel channel = unsynced;
      if (channel != null) {
        unsynced = null;
        force(channel);
      }
      closeAll();
      try {
        maintenance.run();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "usage write-ahead log: maintenance failed; retrying", e);
      }
      LockSupport.parkNanos(PAUSE_NANOS);
    }
    closeAll();
    finished.complete(null);
  }

  private void closeAll() {
    FileOutputStream segment;
    while ((segment = toClose.poll()) != null) {
      force(segment.getChannel());
      try {
        segment.close();
      } catch (IOException e) {
        LOG.log(Level.WARNING, "usage write-ahead log: closing a segment failed", e);
      }
    }
  }

  private void force(FileChannel channel) {
    if (!fsync) {
      return;
    }
    try {
      channel.force(false);
      syncs.incrementAndGet();
    } catch (ClosedChannelException e) {
      // closed meanwhile: it was forced before
    } catch (IOException e) {
      LOG.log(Level.WARNING, "usage write-ahead log: fsync failed", e);
    }
  }
}

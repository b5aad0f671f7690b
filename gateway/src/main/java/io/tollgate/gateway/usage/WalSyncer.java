package io.tollgate.gateway.usage;

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
 * The write-ahead log's group commit and file work, on one thread of its own: every
 * {@value #PAUSE_NANOS} ns a round ({@link UsageWal}'s: each lane's segment written since the last
 * round fsynced, idle segments sealed, the next segment of each lane created ahead of its use, done
 * segments deleted), then the segments the lanes sealed fsynced one last time and closed.
 *
 * <p>The event loops that write the log never wait for this thread: a slow disk delays only the
 * fsync, never the next write() (which is what a kill -9 needs); a node's loss costs what was
 * written since the last fsync, about ten milliseconds. File creation and deletion wait for the file
 * system's journal, which an fsync in progress holds: that is why they are here and not on a loop.
 */
final class WalSyncer {

  private static final Logger LOG = Logger.getLogger(WalSyncer.class.getName());
  private static final long PAUSE_NANOS = 10_000_000L;

  private final Thread thread = new Thread(this::run, "tollgate-usage-wal-sync");
  private final AtomicLong syncs;
  private final ConcurrentLinkedQueue<FileChannel> toClose = new ConcurrentLinkedQueue<>();
  private final CompletableFuture<Void> finished = new CompletableFuture<>();
  private volatile boolean stopped;
  private final boolean fsync;
  private final Runnable round;

  /**
   * @param fsync false: nothing is fsynced (tests)
   * @param round run each round, on this thread
   */
  WalSyncer(AtomicLong syncs, boolean fsync, Runnable round) {
    this.syncs = syncs;
    this.fsync = fsync;
    this.round = round;
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** A segment a lane sealed: fsynced one last time, then closed, on this thread. Any thread, never blocks. */
  void closeLater(FileChannel segment) {
    toClose.add(segment);
  }

  /** Completes, on this thread, once every segment handed over is synced and closed. */
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
      try {
        round.run();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "usage write-ahead log: maintenance failed; retrying", e);
      }
      closeAll();
      LockSupport.parkNanos(PAUSE_NANOS);
    }
    closeAll();
    finished.complete(null);
  }

  private void closeAll() {
    FileChannel segment;
    while ((segment = toClose.poll()) != null) {
      force(segment);
      try {
        segment.close();
      } catch (IOException e) {
        LOG.log(Level.WARNING, "usage write-ahead log: closing a segment failed", e);
      }
    }
  }

  /** fdatasync: the bytes and the file size needed to read them back (not the times). Never on a loop. */
  void force(FileChannel channel) {
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

package io.tollgate.gateway.usage;

import io.vertx.core.Context;
import io.vertx.core.Vertx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One event loop's part of the write-ahead log (or the shared part other threads write at once):
 * its own segment files, so loops never contend. On its loop, the events of a turn are kept and
 * written with one {@code write()} at the end of that turn, in the same turn as the answers whose
 * events they are: from then on a kill -9 cannot lose them (the kernel has the bytes). A writer
 * thread was sometimes not scheduled for more than 10 ms after the answer on two busy cores.
 *
 * <p>The loop never creates, fsyncs, closes or deletes a file (each waits for the file system's
 * journal): the syncer prepares the next segment, fsyncs, seals an idle segment and closes the sealed
 * ones. A page-cache write can still wait for the journal; its duration is measured
 * ({@code tollgate_usage_wal_write_seconds}). The monitor is taken by the loop and, rarely, by the
 * syncer (an idle segment sealed, a write retried) or a marker's thread (a flush): it is uncontended.
 */
final class WalLane {

  private static final Logger LOG = Logger.getLogger(WalLane.class.getName());
  /**
   * A segment is sealed once it is this old (or the log's segment size): what a restart finds and
   * replays again is at most about this much of already delivered events.
   */
  static final long ROLL_NANOS = 1_000_000_000L;
  /** After a failed write the loop leaves the retries to the syncer, this often. */
  private static final long RETRY_NANOS = 1_000_000_000L;
  /**
   * Events kept this long are written by the syncer: a loop held up within its turn, or a flush whose
   * turn never came (its Vert.x closed).
   */
  private static final long STALE_NANOS = 10_000_000L;
  /**
   * The write buffer's size (direct memory, per lane): a turn's events are a few KB (a hundred
   * events is about 60 KB); a bigger turn is written in several write() calls.
   */
  private static final int BUFFER_BYTES = 64 * 1024;

  private final String name;
  private final UsageWal wal;
  private final WalSegments segments;
  private final WalSyncer syncer;
  private final long segmentBytes;
  /** The next segment, created by the syncer; taken by the lane when it rolls. */
  private final AtomicReference<WalSegments.Prepared> prepared = new AtomicReference<>();
  /** The channel written since the syncer's last round, for its group fsync. */
  private final AtomicReference<FileChannel> unsynced = new AtomicReference<>();

  // Under this lane's monitor.
  private final List<byte[]> pending = new ArrayList<>();
  private long pendingSince;
  private boolean flushScheduled;
  private boolean closed;
  private WalSegments.Segment current;
  private ByteBuffer buffer;
  private long retryAfter;
  private boolean failing;

  WalLane(String name, UsageWal wal, WalSegments segments, WalSyncer syncer, long segmentBytes) {
    this.name = name;
    this.wal = wal;
    this.segments = segments;
    this.syncer = syncer;
    this.segmentBytes = segmentBytes;
  }

  /**
   * On this lane's event loop: the event is written at the end of this turn, with the turn's others.
   * The turn's first event schedules the flush behind the loop's current batch of I/O (Netty runs
   * queued tasks after it), as {@code ClientWriter} batches a client's writes.
   *
   * @return false once the lane is closed (the caller spools the event)
   */
  boolean appendThisTurn(byte[] body) {
    boolean schedule;
    synchronized (this) {
      if (closed || wal.closed()) {
        return false; // a lane made while the log closed: never written, so refused
      }
      keep(body);
      schedule = !flushScheduled;
      flushScheduled = true;
    }
    if (schedule) {
      Context context = Vertx.currentContext();
      if (context == null) {
        flush(); // a loop thread outside any Vert.x context: no turn to wait for
      } else {
        context.runOnContext(v -> flush());
      }
    }
    return true;
  }

  /** Any other thread: written at once. */
  synchronized boolean appendNow(byte[] body) {
    if (closed) {
      return false;
    }
    keep(body);
    write(false);
    return true;
  }

  /** The loop's end of turn: writes what is kept and hands it on. */
  synchronized void flush() {
    flushScheduled = false;
    write(false);
  }

  /** A marker's thread (any): what is kept is written (tried even while writes fail) and handed on. */
  synchronized void flushForMarker() {
    write(true);
  }

  /** The syncer's round: fsync of what was written since the last; an old segment sealed; the next prepared. */
  void round(boolean closing) {
    FileChannel written = unsynced.getAndSet(null);
    if (written != null) {
      syncer.force(written);
    }
    synchronized (this) {
      long now = System.nanoTime();
      if (!pending.isEmpty() && now - pendingSince > STALE_NANOS) {
        write(false);
      }
      if (current != null && now - current.openedAtNanos >= ROLL_NANOS) {
        seal(); // an idle lane's segment would otherwise stay open, and undeleted, until its next event
      }
    }
    // Created outside the monitor: the loop must never wait for the journal through this lane's lock.
    if (prepared.get() == null && !closing) {
      try {
        WalSegments.Prepared next = segments.create();
        if (!prepared.compareAndSet(null, next)) {
          segments.discard(next);
        }
      } catch (IOException e) {
        LOG.log(Level.WARNING, "usage write-ahead log " + segments.dir() + ": cannot create the next segment of "
            + name + "; the lane will try", e);
      }
    }
  }

  /** At close: what is kept is written and its segment sealed; later appends are refused. */
  synchronized void close() {
    closed = true;
    write(true);
    seal();
  }

  /** After the syncer stopped: a segment prepared and never used goes. */
  void discardPrepared() {
    segments.discard(prepared.getAndSet(null));
  }

  private void keep(byte[] body) {
    if (pending.isEmpty()) {
      pendingSince = System.nanoTime();
    }
    pending.add(body);
  }

  /**
   * What is kept, to the current segment (taken from the syncer, else created: counted), then handed
   * on. A failed write keeps the events for the syncer to retry (never a retry loop on the loop).
   */
  private void write(boolean evenIfFailing) {
    if (pending.isEmpty()) {
      return;
    }
    if (failing && !evenIfFailing && System.nanoTime() - retryAfter < 0) {
      return; // kept until the retry is due (the syncer's round tries it)
    }
    long took;
    WalSegments.Segment segment;
    long bytes = 0;
    try {
      if (current == null) {
        WalSegments.Prepared next = prepared.getAndSet(null);
        if (next == null) {
          next = segments.create(); // a burst of rolls, or a loop of a Vert.x the sink was not started on
          wal.unpreparedSegment();
        }
        current = segments.use(next);
      }
      segment = current;
      ByteBuffer out = buffer();
      long started = System.nanoTime();
      for (byte[] body : pending) {
        int offset = 0;
        while (offset < body.length) {
          if (!out.hasRemaining()) {
            drain(out, segment.channel);
          }
          int n = Math.min(out.remaining(), body.length - offset);
          out.put(body, offset, n);
          offset += n;
        }
        if (!out.hasRemaining()) {
          drain(out, segment.channel);
        }
        out.put((byte) '\n');
        bytes += body.length + 1;
      }
      drain(out, segment.channel);
      took = System.nanoTime() - started;
    } catch (IOException | RuntimeException e) {
      buffer = null;
      abandon();
      retryAfter = System.nanoTime() + RETRY_NANOS;
      if (!failing) {
        LOG.log(Level.WARNING, "usage write-ahead log " + segments.dir() + " not writable (" + name + "); "
            + pending.size() + " event(s) kept, retried every second", e);
      }
      failing = true;
      return;
    }
    if (failing) {
      LOG.info(() -> "usage write-ahead log " + segments.dir() + " writable again (" + name + ")");
      failing = false;
    }
    List<UsageWal.Entry> entries = new ArrayList<>(pending.size());
    for (byte[] body : pending) {
      entries.add(new UsageWal.Entry(segment.sequence, body));
    }
    pending.clear();
    segment.outstanding.addAndGet(entries.size());
    segment.bytes += bytes;
    unsynced.set(segment.channel);
    wal.wrote(entries.size(), took);
    // Handed on under the monitor: a marker (which takes it next) follows these entries.
    wal.handOn(entries);
    if (segment.bytes >= segmentBytes || System.nanoTime() - segment.openedAtNanos >= ROLL_NANOS) {
      seal();
    }
  }

  private ByteBuffer buffer() {
    if (buffer == null) {
      // Direct: a heap buffer's write() goes through a copy into a temporary direct one.
      buffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
    }
    buffer.clear();
    return buffer;
  }

  private static void drain(ByteBuffer out, FileChannel channel) throws IOException {
    out.flip();
    while (out.hasRemaining()) {
      channel.write(out);
    }
    out.clear();
  }

  /** No more events go to the current segment: its last fsync and close are the syncer's. */
  private void seal() {
    if (current == null) {
      return;
    }
    syncer.closeLater(current.channel);
    segments.seal(current);
    current = null;
  }

  /**
   * After a failed write: the segment keeps what reached it (deleted with its done events; a cut last
   * line is dropped at a restart), and the kept events go to a new one.
   */
  private void abandon() {
    seal();
  }
}

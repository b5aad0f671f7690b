package io.tollgate.gateway.usage;

import io.tollgate.logging.WriterPacing;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The usage events' write-ahead log: every event is written to a local file (and fsynced, in groups)
 * before the publisher sees it, and stays there until the broker confirmed it or the spool holds it
 * durably. A gateway killed with -9 (OOM kill, node loss) finds, at its next start, every event it had
 * not delivered, and replays it; what it had delivered and finds again is dropped by the consumer,
 * which keeps one row per event id.
 *
 * <p>The request path only queues the event (lock-free, no wake-up unless the writer sleeps long).
 * One writer thread encodes the queued events, writes them in one go (one write() per batch: from
 * then on a kill -9 cannot lose them) and hands them on; a second thread fsyncs what was written,
 * one fsync for every batch written meanwhile (group commit), so a node's loss costs at most the
 * last few milliseconds and a slow disk never delays the writes. Segments roll at a size or an age;
 * a segment is deleted when its every event is done.
 *
 * <p>The writer thread does nothing but write(): the next segment's file is created ahead of time,
 * and done segments deleted, by the syncer's thread. A file's creation or deletion waits for the
 * file system's journal, which an fsync in progress holds; on the writer they held back the
 * write() of the events queued meanwhile, past the 10 ms a kill -9 is allowed to lose, at each
 * roll (once a second).
 */
final class UsageWal {

  static final long DEFAULT_SEGMENT_BYTES = 4L << 20;
  private static final Logger LOG = Logger.getLogger(UsageWal.class.getName());
  private static final String PREFIX = "wal-";
  private static final String SUFFIX = ".jsonl";
  /**
   * A segment is closed once it is this old (or this big), and deleted once its events are all done:
   * what a restart finds and replays again is at most about this much of already delivered events.
   */
  private static final long ROLL_NANOS = 1_000_000_000L;
  /**
   * A batch is written once it holds this many events or its first waited this long, even while
   * more keep coming: an event waits for its write() at most about a millisecond.
   */
  private static final int MAX_BATCH = 512;
  private static final long MAX_BATCH_NANOS = 1_000_000L;
  private static final long RETRY_PARK_NANOS = 1_000_000_000L;

  /** An event written to the log: its segment (for {@link #done}) and its JSON. */
  record Entry(long segment, byte[] body) {
  }

  /** What the writer hands on after a write: entries, and markers in their order among them. */
  interface Handoff {
    void entries(List<Entry> entries);

    void marker(Object marker);
  }

  private static final class Segment {
    final Path path;
    final AtomicInteger outstanding = new AtomicInteger();
    volatile boolean sealed;

    Segment(Path path) {
      this.path = path;
    }
  }

  private record Close(CompletableFuture<Void> done) {
  }

  /** A segment file created ahead of its use, off the writer's thread. */
  private record Prepared(long sequence, Path path, FileOutputStream file) {
  }

  private final Path dir;
  private final long segmentBytes;
  private final ConcurrentLinkedQueue<Object> inbox = new ConcurrentLinkedQueue<>();
  private final Map<Long, Segment> segments = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Long> maybeDone = new ConcurrentLinkedQueue<>();
  // A short pause after a write: what a kill -9 can lose is what waits for its write(), so the
  // writer comes back every millisecond while events come (the fsync is what is grouped, see
  // WalSyncer). 200 µs was measured against the session's start in platform mode (peers.sh
  // --baseline-platform): more wake-ups and smaller publishes for no gain on the 10 ms bound.
  private final WriterPacing pacing = new WriterPacing(1_000_000L);
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong syncs = new AtomicLong();
  private final AtomicLong recovered = new AtomicLong();
  private final AtomicLong unencodable = new AtomicLong();
  private final Thread writer;
  private final WalSyncer syncer;
  private final java.util.concurrent.atomic.AtomicReference<Prepared> prepared =
      new java.util.concurrent.atomic.AtomicReference<>();
  // Taken by the syncer (preparing) and, when nothing is prepared, by the writer.
  private final AtomicLong nextSequence = new AtomicLong(1);
  private Handoff handoff;
  private volatile boolean closed;

  // Owned by the writer thread.
  private long currentSequence;
  private Segment current;
  private FileOutputStream file;
  private BufferedOutputStream out;
  private long currentBytes;
  private long currentOpenedAt;

  private UsageWal(Path dir, long segmentBytes, boolean fsync) {
    this.dir = dir;
    this.segmentBytes = segmentBytes;
    this.writer = new Thread(this::run, "tollgate-usage-wal");
    this.writer.setDaemon(true);
    this.syncer = new WalSyncer(syncs, fsync, this::maintain);
  }

  /**
   * Opens (creating) the log folder, moves the events an earlier run left in it to the spool (where
   * the publisher replays them) and deletes those segments once the spool has them on disk. Blocking.
   *
   * @return the log, and how many events it recovered
   */
  static UsageWal open(Path dir, long segmentBytes, boolean fsync, DiskSpool spool) {
    try {
      Files.createDirectories(dir);
      TreeMap<Long, Path> found = new TreeMap<>();
      try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, PREFIX + "*" + SUFFIX)) {
        for (Path path : files) {
          String name = path.getFileName().toString();
          try {
            found.put(Long.parseLong(name.substring(PREFIX.length(), name.length() - SUFFIX.length())), path);
          } catch (NumberFormatException e) {
            LOG.warning(() -> "usage write-ahead log: ignoring unexpected file " + path);
          }
        }
      }
      UsageWal wal = new UsageWal(dir, segmentBytes, fsync);
      long recovered = 0;
      for (Path path : found.values()) {
        List<byte[]> lines = completeLines(Files.readAllBytes(path));
        if (!lines.isEmpty() && !spool.append(lines)) {
          throw new IllegalStateException("usage spool closed while recovering the write-ahead log");
        }
        recovered += lines.size();
      }
      if (!found.isEmpty()) {
        spool.sync().join();
        for (Path path : found.values()) {
          Files.deleteIfExists(path);
        }
        long count = recovered;
        LOG.warning(() -> "usage write-ahead log " + dir + ": " + count + " event(s) left by a run that did not stop"
            + " cleanly; moved to the spool for replay (the consumer drops those it already has)");
      }
      wal.recovered.set(recovered);
      wal.nextSequence.set(found.isEmpty() ? 1 : found.lastKey() + 1);
      return wal;
    } catch (IOException e) {
      throw new UncheckedIOException("usage write-ahead log folder " + dir + " is not usable", e);
    }
  }

  /** The lines a crash left whole; a last line without its newline was cut short by the crash. */
  static List<byte[]> completeLines(byte[] bytes) {
    List<byte[]> lines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        if (i > start) {
          lines.add(Arrays.copyOfRange(bytes, start, i));
        }
        start = i + 1;
      }
    }
    return lines;
  }

  void start(Handoff next) {
    this.handoff = next;
    writer.start();
    syncer.start();
  }

  /** On the request path: queues the event; never blocks, never touches the disk. */
  boolean append(UsageEvent event) {
    if (closed) {
      return false;
    }
    inbox.add(event);
    pacing.queued(writer);
    return true;
  }

  /** A marker handed on after every event appended before it is written. */
  void mark(Object marker) {
    inbox.add(marker);
    LockSupport.unpark(writer);
  }

  /** The entry reached the broker, or the spool has it on disk: the log need not keep it. Any thread. */
  void done(Entry entry) {
    Segment segment = segments.get(entry.segment());
    if (segment != null && segment.outstanding.decrementAndGet() == 0) {
      maybeDone.add(entry.segment());
    }
  }

  void done(List<Entry> entries) {
    for (Entry entry : entries) {
      done(entry);
    }
  }

  /**
   * Stops the writer once what is queued is written; segments whose events are all done are deleted,
   * the others stay for the next start to replay.
   */
  CompletableFuture<Void> close() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    closed = true;
    if (!writer.isAlive()) {
      done.complete(null);
      return done;
    }
    inbox.add(new Close(done));
    LockSupport.unpark(writer);
    return done;
  }

  long written() {
    return written.get();
  }

  long syncs() {
    return syncs.get();
  }

  long recovered() {
    return recovered.get();
  }

  private void run() {
    List<Entry> batch = new ArrayList<>();
    long batchStarted = 0;
    while (true) {
      try {
        Object item;
        boolean wrote = false;
        while ((item = inbox.peek()) != null) {
          if (item instanceof UsageEvent event) {
            if (batch.isEmpty()) {
              batchStarted = System.nanoTime();
            }
            byte[] body = encode(event);
            if (body != null) {
              batch.add(write(body));
            }
            inbox.poll();
            wrote = true;
            if (batch.size() >= MAX_BATCH || System.nanoTime() - batchStarted >= MAX_BATCH_NANOS) {
              commit(batch);
            }
            continue;
          }
          // A marker or close: everything before it is written and handed on first.
          commit(batch);
          inbox.poll();
          if (item instanceof Close close) {
            closeFile();
            syncer.stop().join();
            discardPrepared();
            deleteDone();
            close.done().complete(null);
            return;
          }
          handoff.marker(item);
        }
        commit(batch);
        rollIfOld();
        pacing.pause(wrote, inbox::isEmpty);
      } catch (IOException | RuntimeException e) {
        // The events in hand stay in the batch and are written again to a new segment.
        LOG.log(Level.WARNING, "usage write-ahead log " + dir + " not writable; retrying", e);
        abandonCurrent();
        rewrite(batch);
        LockSupport.parkNanos(RETRY_PARK_NANOS);
      }
    }
  }

  /** The batch in hand, to a new segment; the abandoned one no longer waits for these entries. */
  private void rewrite(List<Entry> batch) {
    List<Entry> again = new ArrayList<>(batch.size());
    try {
      for (Entry entry : batch) {
        again.add(write(entry.body()));
      }
      done(batch);
      batch.clear();
      batch.addAll(again);
    } catch (IOException e) {
      // kept in the batch; the next round tries again
      abandonCurrent();
    }
  }

  /**
   * The event's JSON, or null (logged and counted) when it cannot be encoded: one bad event must not
   * stop the log. UsageEvent's constructor makes every field encodable, so this stays 0.
   */
  private byte[] encode(UsageEvent event) {
    try {
      return UsageEventJson.bytes(event);
    } catch (RuntimeException e) {
      unencodable.incrementAndGet();
      LOG.log(Level.SEVERE, "usage event " + event.eventId() + " cannot be encoded; dropped", e);
      return null;
    }
  }

  long unencodable() {
    return unencodable.get();
  }

  private Entry write(byte[] body) throws IOException {
    if (out == null) {
      Prepared next = prepared.getAndSet(null);
      if (next == null) {
        next = create(); // the syncer has not prepared one yet (the first segment, or a burst of rolls)
      }
      currentSequence = next.sequence();
      file = next.file();
      out = new BufferedOutputStream(file, 64 * 1024);
      current = new Segment(next.path());
      segments.put(currentSequence, current);
      currentBytes = 0;
      currentOpenedAt = System.nanoTime();
    }
    out.write(body);
    out.write('\n');
    currentBytes += body.length + 1;
    current.outstanding.incrementAndGet();
    return new Entry(currentSequence, body);
  }

  /**
   * One write for the whole batch, then the batch is handed on. The write alone is what survives a
   * kill -9 (the kernel has the bytes); the fsync that survives a node's loss is the syncer's, in
   * groups, so a slow disk never holds back the write of the next batch.
   */
  private void commit(List<Entry> batch) throws IOException {
    if (batch.isEmpty()) {
      return;
    }
    out.flush();
    syncer.written(file.getChannel());
    written.addAndGet(batch.size());
    List<Entry> handed = List.copyOf(batch);
    batch.clear();
    handoff.entries(handed);
    if (currentBytes >= segmentBytes || System.nanoTime() - currentOpenedAt >= ROLL_NANOS) {
      closeFile();
    }
  }

  private Prepared create() throws IOException {
    long sequence = nextSequence.getAndIncrement();
    Path path = dir.resolve(String.format("%s%020d%s", PREFIX, sequence, SUFFIX));
    return new Prepared(sequence, path, new FileOutputStream(path.toFile(), true));
  }

  /** The syncer's thread, each round: the next segment ready for the writer, done segments deleted. */
  private void maintain() {
    if (prepared.get() == null && !closed) {
      try {
        prepared.set(create());
      } catch (IOException e) {
        LOG.log(Level.WARNING, "usage write-ahead log " + dir + ": cannot create the next segment; the writer will"
            + " try", e);
      }
    }
    deleteDone();
  }

  /** At close: the segment prepared and never written to goes. */
  private void discardPrepared() {
    Prepared unused = prepared.getAndSet(null);
    if (unused != null) {
      try {
        unused.file().close();
        Files.deleteIfExists(unused.path());
      } catch (IOException e) {
        LOG.log(Level.FINE, "usage write-ahead log: an unused segment stays (empty; dropped at the next start)", e);
      }
    }
  }

  private void rollIfOld() throws IOException {
    if (current != null && System.nanoTime() - currentOpenedAt >= ROLL_NANOS) {
      closeFile();
    }
  }

  /**
   * Closes the current segment: later events go to a new one; this one goes when its events are
   * done. Its last fsync and its close are the syncer's, so a slow disk never stalls the writer (a
   * roll's fsync on this thread was seen to hold the writes back 170 ms on a busy machine).
   */
  private void closeFile() throws IOException {
    if (out == null) {
      return;
    }
    out.flush();
    syncer.closeLater(file); // fsynced (when the log fsyncs) and closed there
    current.sealed = true;
    maybeDone.add(currentSequence);
    out = null;
    file = null;
    current = null;
  }

  private void deleteDone() {
    Long sequence;
    while ((sequence = maybeDone.poll()) != null) {
      Segment segment = segments.get(sequence);
      if (segment != null && segment.sealed && segment.outstanding.get() == 0) {
        try {
          Files.deleteIfExists(segment.path);
          segments.remove(sequence);
        } catch (IOException e) {
          LOG.log(Level.WARNING, "usage write-ahead log: cannot delete " + segment.path + "; its events would be"
              + " replayed at the next start (the consumer drops repeats)", e);
          segments.remove(sequence);
        }
      }
    }
  }

  /** After a failed write: the segment keeps what reached it (replayed at the next start if need be). */
  private void abandonCurrent() {
    if (out == null) {
      return;
    }
    try {
      out.close();
    } catch (IOException ignored) {
      // the file keeps what reached it
    }
    current.sealed = true;
    maybeDone.add(currentSequence);
    out = null;
    file = null;
    current = null;
  }
}

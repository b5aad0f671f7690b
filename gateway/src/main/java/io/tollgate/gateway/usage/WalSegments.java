package io.tollgate.gateway.usage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The write-ahead log's folder: its segment files' names, their creation, what an earlier run left
 * (recovered at start) and their deletion once every event in them is done. All lanes share one
 * sequence, so the names sort and a restart reads every lane's segments alike.
 *
 * <p>Creating and deleting a file waits for the file system's journal (which an fsync in progress
 * holds): both are the syncer's work, never an event loop's, but for a lane that finds no segment
 * prepared for it.
 */
final class WalSegments {

  private static final Logger LOG = Logger.getLogger(WalSegments.class.getName());
  static final String PREFIX = "wal-";
  static final String SUFFIX = ".jsonl";

  /** A segment file created ahead of its use. */
  record Prepared(long sequence, Path path, FileChannel channel) {
  }

  /** A segment a lane writes (or wrote) to; deleted once sealed and its every event is done. */
  static final class Segment {
    final long sequence;
    final Path path;
    final FileChannel channel;
    final long openedAtNanos = System.nanoTime();
    final AtomicInteger outstanding = new AtomicInteger();
    volatile boolean sealed;
    // Written by its lane only, under the lane's monitor.
    long bytes;

    Segment(Prepared prepared) {
      this.sequence = prepared.sequence();
      this.path = prepared.path();
      this.channel = prepared.channel();
    }
  }

  private final Path dir;
  private final AtomicLong nextSequence;
  private final Map<Long, Segment> live = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Long> maybeDone = new ConcurrentLinkedQueue<>();

  private WalSegments(Path dir, long firstSequence) {
    this.dir = dir;
    this.nextSequence = new AtomicLong(firstSequence);
  }

  Path dir() {
    return dir;
  }

  /**
   * Opens (creating) the folder, moves the events an earlier run left in it to the spool (where the
   * publisher replays them) and deletes those segments once the spool has them on disk. Blocking.
   *
   * @param recovered receives how many events were moved
   */
  static WalSegments open(Path dir, DiskSpool spool, AtomicLong recovered) {
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
      long count = 0;
      for (Path path : found.values()) {
        List<byte[]> lines = completeLines(Files.readAllBytes(path));
        if (!lines.isEmpty() && !spool.append(lines)) {
          throw new IllegalStateException("usage spool closed while recovering the write-ahead log");
        }
        count += lines.size();
      }
      if (!found.isEmpty()) {
        spool.sync().join();
        for (Path path : found.values()) {
          Files.deleteIfExists(path);
        }
        long moved = count;
        LOG.warning(() -> "usage write-ahead log " + dir + ": " + moved + " event(s) left by a run that did not stop"
            + " cleanly; moved to the spool for replay (the consumer drops those it already has)");
      }
      recovered.set(count);
      return new WalSegments(dir, found.isEmpty() ? 1 : found.lastKey() + 1);
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

  /** A new, empty segment file (waits for the journal: the syncer's thread, or a lane with none prepared). */
  Prepared create() throws IOException {
    long sequence = nextSequence.getAndIncrement();
    Path path = dir.resolve(String.format("%s%020d%s", PREFIX, sequence, SUFFIX));
    return new Prepared(sequence, path, FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND));
  }

  /** A prepared segment taken into use by a lane: from now on its events are counted until done. */
  Segment use(Prepared prepared) {
    Segment segment = new Segment(prepared);
    live.put(segment.sequence, segment);
    return segment;
  }

  /** No more events go to it: deleted once they are all done. */
  void seal(Segment segment) {
    segment.sealed = true;
    maybeDone.add(segment.sequence);
  }

  /** One of the segment's events reached the broker, or the spool has it on disk. Any thread. */
  void done(long sequence) {
    Segment segment = live.get(sequence);
    if (segment != null && segment.outstanding.decrementAndGet() == 0) {
      maybeDone.add(sequence);
    }
  }

  /** Deletes the sealed segments whose events are all done (the syncer's thread, or close). */
  void deleteDone() {
    Long sequence;
    while ((sequence = maybeDone.poll()) != null) {
      Segment segment = live.get(sequence);
      if (segment != null && segment.sealed && segment.outstanding.get() == 0) {
        try {
          Files.deleteIfExists(segment.path);
        } catch (IOException e) {
          LOG.log(Level.WARNING, "usage write-ahead log: cannot delete " + segment.path + "; its events would be"
              + " replayed at the next start (the consumer drops repeats)", e);
        }
        live.remove(sequence);
      }
    }
  }

  /** At close: a segment prepared and never written to goes. */
  void discard(Prepared unused) {
    if (unused == null) {
      return;
    }
    try {
      unused.channel().close();
      Files.deleteIfExists(unused.path());
    } catch (IOException e) {
      LOG.log(Level.FINE, "usage write-ahead log: an unused segment stays (empty; dropped at the next start)", e);
    }
  }
}

package io.tollgate.gateway.usage;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Append-only spool of encoded usage events (one JSON document per line) in numbered segment files,
 * written by one dedicated thread so no caller ever touches the disk. Segments are sealed (fsynced
 * and closed) before they are read back; a segment is deleted only after its every line was
 * confirmed by the broker, so the spool is truncated only after confirms.
 *
 * <p>Segments left by an earlier run are found at open and replayed like any other. A line cut
 * short by a crash (no final newline) is skipped when read, and counted in {@link #tornLines()}.
 */
final class DiskSpool {

  static final long DEFAULT_SEGMENT_BYTES = 8L << 20;
  private static final Logger LOG = Logger.getLogger(DiskSpool.class.getName());
  private static final String PREFIX = "usage-";
  private static final String SUFFIX = ".jsonl";
  private static final long IDLE_PARK_NANOS = 100_000_000L;
  private static final long RETRY_PARK_NANOS = 1_000_000_000L;

  /** A sealed segment read back: its lines in order. */
  record Segment(long sequence, Path path, List<byte[]> lines) {
  }

  private record Sync(CompletableFuture<Void> done) {
  }

  private record Seal(CompletableFuture<Void> done) {
  }

  private record Close(CompletableFuture<Void> done) {
  }

  private final Path dir;
  private final long segmentBytes;
  private final ConcurrentLinkedQueue<Object> inbox = new ConcurrentLinkedQueue<>();
  private final ConcurrentSkipListMap<Long, Path> sealed = new ConcurrentSkipListMap<>();
  private final AtomicLong pendingLines = new AtomicLong();
  private final AtomicLong tornLines = new AtomicLong();
  private final AtomicLong failedWrites = new AtomicLong();
  private final Thread writer;
  private final FileChannel lock;
  private volatile boolean closed;

  // Owned by the writer thread.
  private long nextSequence;
  private FileOutputStream file;
  private BufferedOutputStream out;
  private long currentSequence;
  private Path currentPath;
  private long currentBytes;
  private volatile long currentLines;

  private DiskSpool(Path dir, long segmentBytes, long nextSequence, FileChannel lock) {
    this.dir = dir;
    this.lock = lock;
    this.segmentBytes = segmentBytes;
    this.nextSequence = nextSequence;
    this.writer = new Thread(this::run, "tollgate-usage-spool-writer");
    this.writer.setDaemon(true);
  }

  /** Opens (creating) the spool folder and finds the segments an earlier run left. Blocking. */
  static DiskSpool open(Path dir, long segmentBytes) {
    try {
      Files.createDirectories(dir);
      FileChannel lock = lockFolder(dir);
      Map<Long, Path> found = new ConcurrentSkipListMap<>();
      long lines = 0;
      try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, PREFIX + "*" + SUFFIX)) {
        for (Path path : files) {
          String name = path.getFileName().toString();
          try {
            long sequence = Long.parseLong(name.substring(PREFIX.length(), name.length() - SUFFIX.length()));
            found.put(sequence, path);
            lines += countLines(Files.readAllBytes(path));
          } catch (NumberFormatException e) {
            LOG.warning(() -> "usage spool: ignoring unexpected file " + path);
          }
        }
      }
      long next = found.isEmpty() ? 1 : ((ConcurrentSkipListMap<Long, Path>) found).lastKey() + 1;
      DiskSpool spool = new DiskSpool(dir, segmentBytes, next, lock);
      spool.sealed.putAll(found);
      spool.pendingLines.set(lines);
      if (!found.isEmpty()) {
        long count = lines;
        LOG.info(() -> "usage spool " + dir + ": " + found.size() + " segment(s), " + count
            + " event(s) from an earlier run to replay");
      }
      spool.writer.start();
      return spool;
    } catch (IOException e) {
      throw new UncheckedIOException("usage spool folder " + dir + " is not usable", e);
    }
  }

  /** Two processes appending to and deleting from one folder would lose events: refuse it. */
  private static FileChannel lockFolder(Path dir) throws IOException {
    FileChannel channel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock held;
    try {
      held = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      held = null;
    }
    if (held == null) {
      channel.close();
      throw new IllegalStateException("usage spool folder " + dir + " is in use by another gateway;"
          + " give each gateway process its own rabbitmq.spoolDir");
    }
    return channel;
  }

  private static long countLines(byte[] bytes) {
    long lines = 0;
    for (byte b : bytes) {
      if (b == '\n') {
        lines++;
      }
    }
    return bytes.length > 0 && bytes[bytes.length - 1] != '\n' ? lines + 1 : lines;
  }

  /** Queues lines for the writer thread; never blocks. False once the spool is closed. */
  boolean append(List<byte[]> lines) {
    if (closed) {
      return false;
    }
    inbox.addAll(lines);
    pendingLines.addAndGet(lines.size());
    LockSupport.unpark(writer);
    return true;
  }

  boolean append(byte[] line) {
    return append(List.of(line));
  }

  /** Completes when every line appended before this call is on disk (written and fsynced). */
  CompletableFuture<Void> sync() {
    return command(new Sync(new CompletableFuture<>()), Sync::done);
  }

  /** Completes when every line appended before this call is in a sealed segment. */
  CompletableFuture<Void> seal() {
    return command(new Seal(new CompletableFuture<>()), Seal::done);
  }

  /** Seals what is written and stops the writer; later appends are refused. */
  CompletableFuture<Void> close() {
    CompletableFuture<Void> done = command(new Close(new CompletableFuture<>()), Close::done);
    closed = true;
    return done;
  }

  private <C> CompletableFuture<Void> command(C command, java.util.function.Function<C, CompletableFuture<Void>> done) {
    if (!writer.isAlive() && closed) {
      return CompletableFuture.completedFuture(null);
    }
    inbox.add(command);
    LockSupport.unpark(writer);
    return done.apply(command);
  }

  /** Lines appended and not yet deleted with their segment (in the inbox, or on disk). */
  boolean hasBacklog() {
    return !sealed.isEmpty() || currentLines > 0 || !inbox.isEmpty();
  }

  long pendingLines() {
    return Math.max(0, pendingLines.get());
  }

  long tornLines() {
    return tornLines.get();
  }

  long failedWrites() {
    return failedWrites.get();
  }

  Path dir() {
    return dir;
  }

  /** The oldest sealed segment, read whole (segments are bounded in size), or null. Blocking. */
  Segment oldestSealed() throws IOException {
    Map.Entry<Long, Path> first = sealed.firstEntry();
    if (first == null) {
      return null;
    }
    byte[] bytes = Files.readAllBytes(first.getValue());
    List<byte[]> lines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        if (i > start) {
          lines.add(java.util.Arrays.copyOfRange(bytes, start, i));
        }
        start = i + 1;
      }
    }
    if (start < bytes.length) {
      tornLines.incrementAndGet();
      LOG.warning(() -> "usage spool: " + first.getValue() + " ends with a partial line (a crash while"
          + " writing); skipping it");
    }
    return new Segment(first.getKey(), first.getValue(), lines);
  }

  /** Truncates the spool past a segment whose lines were all confirmed. Blocking. */
  void delete(Segment segment) throws IOException {
    Files.deleteIfExists(segment.path());
    sealed.remove(segment.sequence());
    pendingLines.addAndGet(-segment.lines().size());
  }

  private void run() {
    while (true) {
      try {
        boolean wrote = false;
        Object item;
        // peek, handle, then poll: an item whose write failed stays first in line for the retry.
        while ((item = inbox.peek()) != null) {
          if (item instanceof byte[] line) {
            write(line);
            wrote = true;
          } else if (item instanceof Sync sync) {
            flushToDisk();
            sync.done().complete(null);
          } else if (item instanceof Seal seal) {
            sealCurrent();
            seal.done().complete(null);
          } else if (item instanceof Close close) {
            sealCurrent();
            inbox.poll();
            lock.close();
            close.done().complete(null);
            return;
          }
          inbox.poll();
        }
        if (wrote && out != null) {
          out.flush();
        }
        LockSupport.parkNanos(IDLE_PARK_NANOS);
      } catch (IOException e) {
        failedWrites.incrementAndGet();
        LOG.log(Level.WARNING, "usage spool " + dir + " not writable; keeping events queued and retrying", e);
        abandonCurrent();
        LockSupport.parkNanos(RETRY_PARK_NANOS);
      }
    }
  }

  private void write(byte[] line) throws IOException {
    if (out == null) {
      currentSequence = nextSequence++;
      currentPath = dir.resolve(String.format("%s%020d%s", PREFIX, currentSequence, SUFFIX));
      file = new FileOutputStream(currentPath.toFile(), true);
      out = new BufferedOutputStream(file, 64 * 1024);
      currentBytes = 0;
    }
    out.write(line);
    out.write('\n');
    currentBytes += line.length + 1;
    currentLines++;
    if (currentBytes >= segmentBytes) {
      sealCurrent();
    }
  }

  private void flushToDisk() throws IOException {
    if (out != null) {
      out.flush();
      file.getChannel().force(false);
    }
  }

  private void sealCurrent() throws IOException {
    if (out == null) {
      return;
    }
    flushToDisk();
    out.close();
    sealed.put(currentSequence, currentPath);
    out = null;
    file = null;
    currentLines = 0;
  }

  /**
   * After a failed write: keep what reached the file as a sealed segment (its partial last line is
   * skipped when read) and start a new one; the failed line is written again there.
   */
  private void abandonCurrent() {
    if (out == null) {
      return;
    }
    try {
      out.close();
    } catch (IOException ignored) {
      // the file keeps what reached it
    }
    if (currentLines > 0) {
      sealed.put(currentSequence, currentPath);
    }
    out = null;
    file = null;
    currentLines = 0;
  }
}

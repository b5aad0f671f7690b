package io.tollgate.gateway.usage;

import io.tollgate.logging.WriterPacing;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Standalone mode's usage sink: events appended as JSON lines to a local file by one dedicated
 * writer thread. {@link #emit} only enqueues (lock-free), so the request path never touches the
 * disk; the writer drains the queue in batches and flushes after each batch, paced by
 * {@link WriterPacing} (group commit).
 */
public final class SpoolUsageSink implements UsageSink {

  private static final Logger LOG = Logger.getLogger(SpoolUsageSink.class.getName());

  private final Path path;
  private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final Thread writer;
  private volatile boolean closing;
  private final WriterPacing pacing = new WriterPacing();

  public SpoolUsageSink(Path path) {
    this.path = path;
    this.writer = new Thread(this::run, "tollgate-usage-spool");
    this.writer.setDaemon(true);
    this.writer.start();
  }

  @Override
  public void emit(UsageEvent event) {
    queue.add(event);
    pacing.queued(writer);
  }

  @Override
  public Future<Void> flush() {
    Promise<Void> promise = Promise.promise();
    queue.add(promise);
    LockSupport.unpark(writer);
    return promise.future();
  }

  @Override
  public Future<Void> close() {
    Future<Void> flushed = flush();
    closing = true;
    LockSupport.unpark(writer);
    return flushed;
  }

  public long written() {
    return written.get();
  }

  /** Events that could not be written (disk full, permissions); they stay in the queue. */
  public long failedWrites() {
    return failed.get();
  }

  public Path path() {
    return path;
  }

  private void run() {
    OutputStream out = null;
    List<Promise<Void>> flushes = new ArrayList<>();
    while (true) {
      try {
        if (out == null) {
          Path parent = path.toAbsolutePath().getParent();
          if (parent != null) {
            Files.createDirectories(parent);
          }
          out = new BufferedOutputStream(Files.newOutputStream(path,
              StandardOpenOption.CREATE, StandardOpenOption.APPEND), 64 * 1024);
        }
        Object item;
        boolean wrote = false;
        while ((item = queue.peek()) != null) {
          if (item instanceof UsageEvent event) {
            out.write(UsageEventJson.bytes(event));
            out.write('\n');
            wrote = true;
            written.incrementAndGet();
          } else {
            @SuppressWarnings("unchecked")
            Promise<Void> promise = (Promise<Void>) item;
            flushes.add(promise);
          }
          queue.poll();
        }
        if (wrote || !flushes.isEmpty()) {
          out.flush();
        }
        flushes.forEach(Promise::tryComplete);
        flushes.clear();
        if (closing && queue.isEmpty()) {
          out.close();
          return;
        }
        pacing.pause(wrote, queue::isEmpty);
      } catch (IOException e) {
        failed.incrementAndGet();
        LOG.log(Level.WARNING, "usage spool " + path + " not writable; keeping events queued", e);
        if (out != null) {
          try {
            out.close();
          } catch (IOException ignored) {
            // reopened on the next round
          }
          out = null;
        }
        LockSupport.parkNanos(1_000_000_000L);
      }
    }
  }
}

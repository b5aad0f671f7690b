package io.tollgate.logging;

import java.io.BufferedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

/**
 * A log handler that never blocks its caller: records go into a bounded queue and one daemon
 * thread formats and writes them. An event loop that logs costs an offer to a queue, not a write
 * to a terminal or pipe. When the queue is full, records are dropped and counted (logs are worth
 * less than latency; usage events, which must not be lost, do not go through here).
 */
public final class AsyncLogHandler extends Handler {

  private static final int CAPACITY = 65_536;
  private static final int BUFFER_BYTES = 64 * 1024;
  private static final int MAX_KEPT_BYTES = 16 * 1024;

  /** The thread that logged, for the formatter: by the time a record is written, it is the writer's. */
  private static final ThreadLocal<String> ORIGIN = new ThreadLocal<>();

  /** A line's bytes; {@code writeTo} hands its array to the stream without a copy. */
  private static final class LineBuffer extends java.io.ByteArrayOutputStream {
    LineBuffer() {
      super(512);
    }

    void writeTo(PrintStream out) {
      out.write(buf, 0, count);
    }
  }

  /** A record and the name of the thread that logged it. */
  private record Pending(LogRecord record, String thread) {
  }

  private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(CAPACITY);
  private final AtomicLong dropped = new AtomicLong();
  /** Records accepted and not yet written: flush waits for 0, not for an empty queue (the writer may hold one). */
  private final AtomicLong unwritten = new AtomicLong();
  private final PrintStream out;
  private final Thread writer;
  private volatile boolean closed;
  private final WriterPacing pacing = new WriterPacing();
  /** The writer thread's line, reused. */
  private LineBuffer line = new LineBuffer();

  /**
   * @param out where lines go (the process's stderr). Written through a buffer of its own: stderr's
   *            {@link PrintStream} flushes at every line and buffers only 128 bytes, so each line
   *            was a write() of its own, one system call per request for the access log alone
   *            (loadtests/peers.sh: 3.0 writes per proxied request against nginx's 2.0)
   */
  public AsyncLogHandler(Formatter formatter, PrintStream out) {
    setFormatter(formatter);
    this.out = new PrintStream(new BufferedOutputStream(out, BUFFER_BYTES), false, StandardCharsets.UTF_8);
    this.writer = new Thread(this::drain, "tollgate-log-writer");
    this.writer.setDaemon(true);
    this.writer.start();
  }

  @Override
  public void publish(LogRecord record) {
    if (closed || !isLoggable(record)) {
      return;
    }
    unwritten.incrementAndGet();
    if (!queue.offer(new Pending(record, Thread.currentThread().getName()))) {
      unwritten.decrementAndGet();
      dropped.incrementAndGet();
    } else {
      pacing.queued(writer);
    }
  }

  /** The name of the thread that logged the record being formatted (the current thread outside the writer). */
  public static String originThread() {
    String origin = ORIGIN.get();
    return origin != null ? origin : Thread.currentThread().getName();
  }

  public long dropped() {
    return dropped.get();
  }

  @Override
  public void flush() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (unwritten.get() > 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    out.flush();
  }

  @Override
  public void close() {
    flush();
    closed = true;
    writer.interrupt();
  }

  /** One record's line: a JSON formatter's bytes go straight into the buffer, another's text is encoded. */
  private void write(LogRecord record) {
    if (getFormatter() instanceof JsonLogFormatter json) {
      line.reset();
      json.formatTo(record, line); // whole before any byte is written: a record that fails leaves no half line
      line.writeTo(out);
      if (line.size() > MAX_KEPT_BYTES) {
        line = new LineBuffer(); // a stack trace's buffer is not kept for every later line
      }
    } else {
      out.print(getFormatter().format(record));
    }
  }

  /** Writes what has come and flushes once a round, paced by {@link WriterPacing}. */
  private void drain() {
    List<Pending> batch = new ArrayList<>(1_024);
    while (!closed) {
      queue.drainTo(batch, 1_024);
      if (batch.isEmpty()) {
        pacing.pause(false, queue::isEmpty);
        if (Thread.interrupted()) {
          return;
        }
        continue;
      }
      for (Pending pending : batch) {
        ORIGIN.set(pending.thread());
        try {
          write(pending.record());
        } catch (RuntimeException e) {
          dropped.incrementAndGet(); // a record that cannot be formatted must not stop the writer
        } finally {
          ORIGIN.remove();
        }
      }
      out.flush();
      unwritten.addAndGet(-batch.size());
      batch.clear();
      pacing.pause(true, queue::isEmpty);
    }
  }
}

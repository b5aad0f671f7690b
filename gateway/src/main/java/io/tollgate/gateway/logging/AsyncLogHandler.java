package io.tollgate.gateway.logging;

import java.io.PrintStream;
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

  private final BlockingQueue<LogRecord> queue = new ArrayBlockingQueue<>(CAPACITY);
  private final AtomicLong dropped = new AtomicLong();
  private final PrintStream out;
  private final Thread writer;
  private volatile boolean closed;

  public AsyncLogHandler(Formatter formatter, PrintStream out) {
    setFormatter(formatter);
    this.out = out;
    this.writer = new Thread(this::drain, "tollgate-log-writer");
    this.writer.setDaemon(true);
    this.writer.start();
  }

  @Override
  public void publish(LogRecord record) {
    if (closed || !isLoggable(record)) {
      return;
    }
    if (!queue.offer(record)) {
      dropped.incrementAndGet();
    }
  }

  public long dropped() {
    return dropped.get();
  }

  @Override
  public void flush() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (!queue.isEmpty() && System.nanoTime() < deadline) {
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

  private void drain() {
    while (!closed) {
      try {
        LogRecord record = queue.take();
        out.print(getFormatter().format(record));
        if (queue.isEmpty()) {
          out.flush();
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        dropped.incrementAndGet(); // a record that cannot be formatted must not stop the writer
      }
    }
  }
}

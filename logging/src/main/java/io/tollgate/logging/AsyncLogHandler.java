package io.tollgate.logging;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
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

  /** The thread that logged, for the formatter: by the time a record is written, it is the writer's. */
  private static final ThreadLocal<String> ORIGIN = new ThreadLocal<>();

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
  /** The writer found nothing last time and sleeps long: the next record wakes it. */
  private volatile boolean idle;
  /** While records come, the writer collects them this long between writes. */
  private static final long GROUP_COMMIT_NANOS = 1_000_000L;
  /** How long an idle writer sleeps when nothing wakes it (a new line or a flush does). */
  private static final long IDLE_NANOS = 500_000_000L;

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
    unwritten.incrementAndGet();
    if (!queue.offer(new Pending(record, Thread.currentThread().getName()))) {
      unwritten.decrementAndGet();
      dropped.incrementAndGet();
    } else if (idle) {
      LockSupport.unpark(writer);
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

  /**
   * Writes what has come, flushes once, and waits a millisecond for more (group commit) while
   * records come; sleeps longer when none do, until one wakes it. A writer blocked in take() was
   * woken by every record and flushed every line: a futex call and a write() per access-log line,
   * ~23 µs a request in loadtests/peers.sh, on the cores the event loops use.
   */
  private void drain() {
    List<Pending> batch = new ArrayList<>(1_024);
    while (!closed) {
      queue.drainTo(batch, 1_024);
      if (batch.isEmpty()) {
        idle = true;
        if (queue.isEmpty()) {
          LockSupport.parkNanos(IDLE_NANOS);
        }
        idle = false;
        if (Thread.interrupted()) {
          return;
        }
        continue;
      }
      for (Pending pending : batch) {
        ORIGIN.set(pending.thread());
        try {
          out.print(getFormatter().format(pending.record()));
        } catch (RuntimeException e) {
          dropped.incrementAndGet(); // a record that cannot be formatted must not stop the writer
        } finally {
          ORIGIN.remove();
        }
      }
      out.flush();
      unwritten.addAndGet(-batch.size());
      batch.clear();
      LockSupport.parkNanos(GROUP_COMMIT_NANOS);
    }
  }
}

package io.tollgate.logging;

import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * When a background writer (log lines, usage events) sleeps, and who wakes it: group commit while
 * lines come (ten milliseconds' worth per write and flush), a long sleep when none do, ended by the
 * next line. Waking the writer for every line cost a futex call on the producer and a write() and
 * flush per line on the writer: ~20 µs a request each for the access log and the usage spool in
 * loadtests/peers.sh, on the cores the event loops use. A millisecond's pacing still woke each
 * writer a thousand times a second under load (a timed park, a write, a context switch onto a core
 * an event loop wanted); ten keep a line's delay far below anything a reader of the log or the
 * spool notices, and a graceful stop flushes what is queued.
 */
public final class WriterPacing {

  /** While lines come, the writer collects them this long between writes. */
  private static final long GROUP_COMMIT_NANOS = 10_000_000L;
  /** How long an idle writer sleeps when nothing wakes it (a new line does, and so may a flush). */
  private static final long IDLE_NANOS = 500_000_000L;

  /** The writer found nothing last time and sleeps long: the next line wakes it. */
  private volatile boolean idle;

  /** Producers, after queueing a line: wakes the writer only if it sleeps long. */
  public void queued(Thread writer) {
    if (idle) {
      LockSupport.unpark(writer);
    }
  }

  /**
   * The writer, after a round: a short pause after writing, a long one after finding nothing. The
   * queue is looked at again once {@code idle} is set, so a line queued meanwhile is not left behind.
   */
  public void pause(boolean wrote, BooleanSupplier queueEmpty) {
    if (wrote) {
      LockSupport.parkNanos(GROUP_COMMIT_NANOS);
      return;
    }
    idle = true;
    if (queueEmpty.getAsBoolean()) {
      LockSupport.parkNanos(IDLE_NANOS);
    }
    idle = false;
  }
}

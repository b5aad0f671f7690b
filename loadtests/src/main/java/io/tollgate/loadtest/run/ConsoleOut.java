package io.tollgate.loadtest.run;

import java.io.PrintStream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Writes progress to stderr from its own thread: console output is blocking I/O and must not run on an event
 * loop (a stalled terminal would stall the measurements).
 */
public final class ConsoleOut implements AutoCloseable {

  private final PrintStream out;
  private final boolean terminal;
  private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "loadtest-console");
    t.setDaemon(true);
    return t;
  });
  private volatile boolean lineOpen;

  public ConsoleOut(PrintStream out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  public static ConsoleOut stderr() {
    return new ConsoleOut(System.err, System.console() != null);
  }

  /** A transient status: rewritten in place on a terminal, a plain line otherwise. */
  public void status(String line) {
    thread.execute(() -> {
      if (terminal) {
        out.print("\r" + line + "\u001b[K");
        lineOpen = true;
      } else {
        out.println(line);
      }
      out.flush();
    });
  }

  /** A message that stays. */
  public void line(String line) {
    thread.execute(() -> {
      if (lineOpen) {
        out.println();
        lineOpen = false;
      }
      out.println(line);
      out.flush();
    });
  }

  public boolean terminal() {
    return terminal;
  }

  @Override
  public void close() {
    thread.execute(() -> {
      if (lineOpen) {
        out.println();
        lineOpen = false;
      }
      out.flush();
    });
    thread.shutdown();
    try {
      thread.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

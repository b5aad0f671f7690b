package io.tollgate.logging;

import java.util.logging.LogManager;

/**
 * A LogManager whose handlers outlive the JVM's own logging shutdown. The JDK resets logging from
 * its own shutdown hook (LogManager's "Cleaner"), which runs at the same time as a service's drain
 * hook: every handler is removed and closed while the last requests are still being answered, and
 * their log lines (the access log of the drain) are lost. Here that reset is ignored; the service's
 * own shutdown hook calls {@link Logging#shutdown()} once it has drained, which flushes and then
 * resets for real.
 *
 * <p>Installed by {@code -Djava.util.logging.manager=io.tollgate.logging.DrainAwareLogManager}, or
 * by {@link Logging#installDrainAwareManager()} first thing in a main, before anything logs.
 */
public final class DrainAwareLogManager extends LogManager {

  private static final String JDK_CLEANER = "java.util.logging.LogManager$Cleaner";

  @Override
  public void reset() {
    if (Thread.currentThread().getClass().getName().equals(JDK_CLEANER)) {
      return;
    }
    super.reset();
  }

  /** The reset the JDK's hook would have done, when the service says its drain is over. */
  void resetNow() {
    super.reset();
  }
}

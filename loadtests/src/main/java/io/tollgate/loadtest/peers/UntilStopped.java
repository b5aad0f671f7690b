package io.tollgate.loadtest.peers;

import java.util.concurrent.CountDownLatch;

/** The peers helpers' processes run until the JVM is asked to stop (peers.sh sends TERM), then tidy up. */
final class UntilStopped {

  private UntilStopped() {
  }

  /** Blocks the calling thread until shutdown; {@code onStop} runs first, on the shutdown hook's thread. */
  static void await(String hookName, Runnable onStop) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      onStop.run();
      stopped.countDown();
    }, hookName));
    stopped.await();
  }
}

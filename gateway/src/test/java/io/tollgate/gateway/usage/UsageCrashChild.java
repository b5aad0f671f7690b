package io.tollgate.gateway.usage;

import io.tollgate.gateway.config.RabbitSettings;
import io.vertx.core.Vertx;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A gateway's usage path in a process of its own, for {@link UsageWalCrashTest} to kill with -9:
 * starts the RabbitMQ sink on a spool folder (recovering what an earlier, killed run left), then
 * emits numbered events from an event loop without end, printing each number once it is emitted.
 *
 * <p>Arguments: spool folder, broker URL, exchange, queue, first number.
 */
public final class UsageCrashChild {

  private UsageCrashChild() {
  }

  public static void main(String[] args) throws Exception {
    Vertx vertx = Vertx.vertx();
    RabbitSettings settings = RabbitSettings.defaults(args[1], Path.of(args[0])).withNames(args[2], args[3]);
    RabbitUsageSink sink = RabbitUsageSink.start(vertx, settings).toCompletionStage().toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    System.out.println("recovered " + sink.metrics().recovered());
    System.out.flush();
    int[] next = {Integer.parseInt(args[4])};
    vertx.setPeriodic(1, id -> {
      StringBuilder emitted = new StringBuilder();
      for (int i = 0; i < 5; i++) {
        int number = next[0]++;
        sink.emit(UsageEvents.numbered(number));
        emitted.append("e ").append(number).append('\n');
      }
      // Printed after the emits: a number the test has read was emitted before it read it.
      System.out.print(emitted);
      System.out.flush();
    });
  }
}

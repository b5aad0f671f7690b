package io.tollgate.gateway.usage;

import io.tollgate.gateway.config.RabbitSettings;
import io.vertx.core.Vertx;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A gateway's usage path in a process of its own, for {@link UsageWalCrashTest} to kill with -9:
 * starts the RabbitMQ sink on a spool folder (recovering what an earlier, killed run left), then
 * emits numbered events from an event loop without end, printing each number once it is emitted,
 * and every 100 ms what the log's writes on the loop took so far ("w count max_ns p99_ns over_1ms").
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
    io.micrometer.core.instrument.Timer writes = io.micrometer.core.instrument.Timer.builder("wal.write")
        .publishPercentiles(0.99).serviceLevelObjectives(java.time.Duration.ofMillis(1)).distributionStatisticExpiry(java.time.Duration.ofHours(1))
        .distributionStatisticBufferLength(1).register(new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    sink.observeLogWrites(nanos -> writes.record(nanos, TimeUnit.NANOSECONDS));
    Thread stats = new Thread(() -> {
      while (true) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
        var snapshot = writes.takeSnapshot();
        System.out.println("w " + snapshot.count() + " " + (long) snapshot.max(TimeUnit.NANOSECONDS) + " "
            + (long) snapshot.percentileValues()[0].value(TimeUnit.NANOSECONDS) + " "
            + (snapshot.count() - (long) snapshot.histogramCounts()[0].count()));
      }
    }, "write-stats");
    stats.setDaemon(true);
    stats.start();
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

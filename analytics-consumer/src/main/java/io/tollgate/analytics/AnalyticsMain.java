package io.tollgate.analytics;

import io.tollgate.analytics.config.AnalyticsSettings;
import io.tollgate.analytics.config.SettingsException;
import io.tollgate.analytics.config.SettingsLoader;
import io.tollgate.frontdoor.PortCheck;
import io.tollgate.logging.AsyncLogHandler;
import io.tollgate.logging.Logging;
import io.vertx.core.Vertx;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code java -jar tollgate-analytics.jar [--config FILE] [--port N]}. */
@Command(name = "tollgate-analytics", mixinStandardHelpOptions = true, version = "tollgate 0.1.0",
    subcommands = ReplayDeadLettersCommand.class,
    description = "Tollgate analytics consumer: usage events from RabbitMQ into PostgreSQL, with usage,"
        + " reliability and CSV export APIs.")
public final class AnalyticsMain implements Callable<Integer> {

  @Option(names = {"-c", "--config"}, description = "YAML file (default: the embedded config/analytics-consumer.yaml).")
  Path configFile;

  @Option(names = "--port", description = "API port (overrides the config).")
  Integer port;

  @Option(names = "--log-format", description = "json (default) or text; env TOLLGATE_LOG_FORMAT.")
  String logFormat;

  public static void main(String[] args) {
    int exit = new CommandLine(new AnalyticsMain()).execute(args);
    if (exit != 0) {
      System.exit(exit);
    }
  }

  @Override
  public Integer call() throws Exception {
    String format = Logging.format(logFormat, "json");
    if (!format.equals("json") && !format.equals("text")) {
      System.err.println("tollgate-analytics: --log-format must be json or text, not " + format);
      return 2;
    }
    // Every logger (ours, Vert.x's, Netty's, the AMQP client's through SLF4J) as JSON lines on
    // stderr, written off the event loops.
    AsyncLogHandler logs = Logging.configure(format);
    try {
      Logging.levels(System.getenv(Logging.LEVELS_ENV));
    } catch (IllegalArgumentException e) {
      System.err.println("tollgate-analytics: " + e.getMessage());
      return 2;
    }
    AnalyticsSettings settings;
    try {
      settings = configFile != null ? SettingsLoader.load(configFile, System.getenv())
          : SettingsLoader.loadDefault(System.getenv());
    } catch (SettingsException e) {
      System.err.println("tollgate-analytics: the configuration is invalid:");
      e.reasons().forEach(reason -> System.err.println("  - " + reason));
      return 2;
    }
    if (port != null) {
      settings = settings.withApi(settings.api().withPort(port));
    }
    try {
      // Before migrations and the broker: a port in use is refused naming the setting that moves it.
      PortCheck.requireFree(settings.api().host(), settings.api().port(), "TOLLGATE_ANALYTICS_PORT, api.port or --port");
    } catch (IllegalStateException e) {
      System.err.println("tollgate-analytics: cannot start: " + e.getMessage());
      return 2;
    }
    boolean generated = settings.api().token().isBlank();
    if (generated) {
      byte[] bytes = new byte[24];
      new SecureRandom().nextBytes(bytes);
      settings = settings.withApi(settings.api().withToken("tga-" + HexFormat.of().formatHex(bytes)));
    }
    Vertx vertx = Vertx.vertx();
    AnalyticsService service;
    try {
      service = AnalyticsService.start(vertx, settings).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      System.err.println("tollgate-analytics: failed to start: " + root);
      logs.flush();
      vertx.close();
      return 1;
    }
    System.out.println("Tollgate analytics ready: API on port " + service.apiPort() + ", consuming queue "
        + settings.rabbitmq().queue() + " into schema " + settings.postgres().schema());
    if (generated) {
      System.out.println("API token (generated for this run; set TOLLGATE_ANALYTICS_TOKEN to fix one): "
          + settings.api().token());
    }
    System.out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        service.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("tollgate-analytics: stop incomplete: " + e);
      }
      try {
        // Not chained onto stop(): a continuation on an event loop that vertx.close() just ended
        // would never run, and this hook would wait for it.
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("tollgate-analytics: shutdown incomplete: " + e);
      }
      logs.flush();
      stopped.countDown();
    }, "tollgate-analytics-shutdown"));
    stopped.await();
    return 0;
  }
}

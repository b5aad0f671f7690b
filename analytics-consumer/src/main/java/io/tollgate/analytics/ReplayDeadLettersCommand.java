package io.tollgate.analytics;

import io.tollgate.analytics.config.AnalyticsSettings;
import io.tollgate.analytics.config.SettingsException;
import io.tollgate.analytics.config.SettingsLoader;
import io.tollgate.analytics.ingest.DeadLetterReplay;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code java -jar tollgate-analytics.jar replay-dead-letters [--config FILE] [--max N] [--repair]}:
 * the dead-letter queue's events back to the usage exchange (docs/runbooks.md, "Usage events
 * dead-lettered"). Runs beside a running consumer, with its config.
 */
@Command(name = "replay-dead-letters", mixinStandardHelpOptions = true,
    description = "Moves the usage events in the dead-letter queue back to the usage exchange, where the consumer"
        + " takes them again (repeats are dropped by event id). Events refused again return to the dead-letter queue.")
final class ReplayDeadLettersCommand implements Callable<Integer> {

  @Option(names = {"-c", "--config"}, description = "YAML file (default: the embedded config/analytics-consumer.yaml).")
  Path configFile;

  @Option(names = "--max", description = "Replay at most this many (default: all that are there now).")
  long max = Long.MAX_VALUE;

  @Option(names = "--repair", description = "Cut strings longer than config/schemas/usage-event.json allows before"
      + " replaying (events from gateways that did not bound them yet).")
  boolean repair;

  @Override
  public Integer call() throws Exception {
    AnalyticsSettings settings;
    try {
      settings = configFile != null ? SettingsLoader.load(configFile, System.getenv())
          : SettingsLoader.loadDefault(System.getenv());
    } catch (SettingsException e) {
      System.err.println("tollgate-analytics replay-dead-letters: the configuration is invalid:");
      e.reasons().forEach(reason -> System.err.println("  - " + reason));
      return 2;
    }
    DeadLetterReplay.Result result = new DeadLetterReplay(settings.rabbitmq()).replay(max, repair);
    System.out.println("dead-letter queue " + settings.rabbitmq().deadLetterQueue() + ": " + result.found()
        + " message(s) found, " + result.replayed() + " replayed to " + settings.rabbitmq().exchange()
        + (repair ? ", " + result.repaired() + " repaired" : ""));
    return 0;
  }
}

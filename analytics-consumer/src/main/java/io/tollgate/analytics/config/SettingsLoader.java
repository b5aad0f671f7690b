package io.tollgate.analytics.config;

import io.tollgate.frontdoor.FrontDoorSettings;
import io.tollgate.frontdoor.TlsSettings;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads config/analytics-consumer.yaml (or the copy embedded in the jar): YAML whose string values
 * may hold {@code ${VAR}} or {@code ${VAR:-default}}, filled from the environment. Unknown options
 * and bad values are refused with every reason at once.
 */
public final class SettingsLoader {

  public static final String DEFAULT_RESOURCE = "tollgate-config/analytics-consumer.yaml";
  /** The API port: not the control plane's 8090 nor the gateway's 8080/8081, so all run on one machine. */
  public static final int DEFAULT_PORT = 8091;
  private static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");
  private static final Set<String> SECTIONS = Set.of("rabbitmq", "postgres", "api");
  private static final Set<String> RABBITMQ = Set.of("url", "exchange", "queue", "prefetch", "batchSize",
      "batchMaxDelayMs", "reconnectDelayMs");
  private static final Set<String> POSTGRES = Set.of("url", "schema", "poolSize");
  private static final Set<String> API = Stream.of(Stream.of("host", "port", "token", "controlPlaneUrl",
      "identityCacheMs"), FrontDoorSettings.OPTIONS.stream(), TlsSettings.OPTIONS.stream()).flatMap(options -> options)
      .collect(Collectors.toUnmodifiableSet());

  private final Map<String, String> env;
  private final List<String> reasons = new ArrayList<>();

  private SettingsLoader(Map<String, String> env) {
    this.env = env;
  }

  public static AnalyticsSettings loadDefault(Map<String, String> env) {
    try (InputStream in = SettingsLoader.class.getClassLoader().getResourceAsStream(DEFAULT_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(DEFAULT_RESOURCE + " is missing from the classpath");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), env);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static AnalyticsSettings load(Path file, Map<String, String> env) {
    try {
      return parse(Files.readString(file), env);
    } catch (IOException e) {
      throw new SettingsException(List.of("cannot read " + file + ": " + e.getMessage()));
    }
  }

  public static AnalyticsSettings parse(String yaml, Map<String, String> env) {
    return new SettingsLoader(env).read(yaml);
  }

  private AnalyticsSettings read(String yaml) {
    Object document = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    Map<?, ?> root = document instanceof Map<?, ?> map ? map : Map.of();
    root.keySet().stream().map(String::valueOf).filter(k -> !SECTIONS.contains(k)).sorted()
        .forEach(k -> reasons.add(k + ": unknown section (known: api, postgres, rabbitmq)"));
    Map<?, ?> rabbit = section(root, "rabbitmq", RABBITMQ);
    Map<?, ?> postgres = section(root, "postgres", POSTGRES);
    Map<?, ?> api = section(root, "api", API);

    String amqpUrl = text(rabbit, "rabbitmq.url", "amqp://guest:guest@127.0.0.1:5672/");
    if (!amqpUrl.startsWith("amqp://") && !amqpUrl.startsWith("amqps://")) {
      reasons.add("rabbitmq.url: must start with amqp:// or amqps://, got \"" + amqpUrl + "\"");
    }
    BrokerSettings broker = new BrokerSettings(amqpUrl,
        text(rabbit, "rabbitmq.exchange", "tollgate.usage"),
        text(rabbit, "rabbitmq.queue", "tollgate.usage.events"),
        (int) number(rabbit, "rabbitmq.prefetch", 4_000, 1, 65_535),
        (int) number(rabbit, "rabbitmq.batchSize", 1_000, 1, 10_000),
        number(rabbit, "rabbitmq.batchMaxDelayMs", 20, 1, 60_000),
        number(rabbit, "rabbitmq.reconnectDelayMs", 1_000, 10, 600_000));
    if (broker.batchSize() > broker.prefetch()) {
      reasons.add("rabbitmq.batchSize: must not exceed rabbitmq.prefetch (" + broker.prefetch() + "), got "
          + broker.batchSize());
    }
    String pgUrl = text(postgres, "postgres.url", "postgresql://postgres@127.0.0.1:5432/postgres");
    if (!pgUrl.startsWith("postgresql://") && !pgUrl.startsWith("postgres://")) {
      reasons.add("postgres.url: must start with postgresql://, got \"" + pgUrl + "\"");
    }
    String schema = text(postgres, "postgres.schema", "tollgate_analytics");
    if (!schema.matches("[a-z_][a-z0-9_]{0,62}")) {
      reasons.add("postgres.schema: must be a lower-case SQL identifier, got \"" + schema + "\"");
    }
    DatabaseSettings database = new DatabaseSettings(pgUrl, schema,
        (int) number(postgres, "postgres.poolSize", 4, 1, 100));
    String controlPlane = text(api, "api.controlPlaneUrl", "");
    if (!controlPlane.isEmpty() && !controlPlane.startsWith("http://") && !controlPlane.startsWith("https://")) {
      reasons.add("api.controlPlaneUrl: must start with http:// or https://, got \"" + controlPlane + "\"");
    }
    ApiSettings apiSettings = new ApiSettings(text(api, "api.host", "0.0.0.0"),
        (int) number(api, "api.port", DEFAULT_PORT, 0, 65_535), text(api, "api.token", ""), frontDoor(api),
        controlPlane, number(api, "api.identityCacheMs", ApiSettings.DEFAULT_IDENTITY_CACHE_MS, 0, 3_600_000),
        tls(api));
    if (!reasons.isEmpty()) {
      throw new SettingsException(reasons);
    }
    return new AnalyticsSettings(broker, database, apiSettings);
  }

  /** The API port's TLS: its api.tls* options; a contradiction is a reason like any bad value. */
  private TlsSettings tls(Map<?, ?> api) {
    try {
      return TlsSettings.read(option -> text(api, "api." + option, ""));
    } catch (IllegalArgumentException e) {
      reasons.add("api.tls: " + e.getMessage());
      return TlsSettings.off();
    }
  }

  /** The API port's front door: its options under {@code api.}, defaults and bounds as every service's. */
  private FrontDoorSettings frontDoor(Map<?, ?> api) {
    return FrontDoorSettings.read((option, fallback, min, max) -> number(api, "api." + option, fallback, min, max));
  }

  private Map<?, ?> section(Map<?, ?> root, String name, Set<String> options) {
    Object value = root.get(name);
    if (value == null) {
      return Map.of();
    }
    if (!(value instanceof Map<?, ?> section)) {
      reasons.add(name + ": must be a mapping");
      return Map.of();
    }
    section.keySet().stream().map(String::valueOf).filter(k -> !options.contains(k)).sorted()
        .forEach(k -> reasons.add(name + "." + k + ": unknown option (known: " + String.join(", ",
            options.stream().sorted().toList()) + ")"));
    return section;
  }

  private String text(Map<?, ?> section, String path, String fallback) {
    Object value = section.get(path.substring(path.indexOf('.') + 1));
    if (value == null) {
      return fallback;
    }
    String resolved = interpolate(String.valueOf(value), path);
    return resolved.isEmpty() && !fallback.isEmpty() ? fallback : resolved;
  }

  private long number(Map<?, ?> section, String path, long fallback, long min, long max) {
    String text = text(section, path, "");
    if (text.isBlank()) {
      return fallback;
    }
    long value;
    try {
      value = Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      reasons.add(path + ": must be a whole number, got \"" + text + "\"");
      return fallback;
    }
    if (value < min || value > max) {
      reasons.add(path + ": must be between " + min + " and " + max + ", got " + value);
      return fallback;
    }
    return value;
  }

  /** Shell style: the default applies when the variable is unset or empty. */
  private String interpolate(String text, String path) {
    Matcher matcher = REFERENCE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String value = env.get(matcher.group(1));
      if (value == null || value.isEmpty()) {
        if (matcher.group(2) == null) {
          reasons.add(path + ": environment variable " + matcher.group(1) + " is not set");
          value = "";
        } else {
          value = matcher.group(3);
        }
      }
      matcher.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    matcher.appendTail(out);
    return out.toString();
  }
}

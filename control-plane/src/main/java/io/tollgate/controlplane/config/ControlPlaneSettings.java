package io.tollgate.controlplane.config;

import io.tollgate.frontdoor.FrontDoorSettings;
import io.tollgate.frontdoor.TlsSettings;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/**
 * Everything the control plane needs to start, read from the environment.
 *
 * @param databaseUrl     postgresql://user@host:port/db
 * @param schema          the PostgreSQL schema its tables live in
 * @param port            HTTP port of the REST API (0: any free port)
 * @param bootstrapToken  admin token accepted on first start, until a platform admin user exists
 * @param keyPepper       the deployment's key pepper (the gateways' TOLLGATE_KEY_PEPPER)
 * @param redisUrl        platform mode's Redis (key records, change notifications)
 * @param redisPrefix     prefix of every Redis key and channel, as the gateways' redis.keyPrefix
 * @param adminTokenTtl   how long a user's admin token stays valid after it is issued (ZERO: forever)
 * @param frontDoor       what the API port allows a client before a request reaches the API (deadlines, sizes,
 *                        connections), under the same TOLLGATE_HTTP_* names as the other services
 * @param analytics       the analytics service the org usage endpoints ask (NONE: they answer 503)
 * @param oidc            single sign-on (NONE: only the control plane's own tokens and sessions)
 * @param tls             HTTPS on the API and portal port (TOLLGATE_CONTROL_PLANE_TLS_*), client certificates optional
 * @param alerts          budget alerts (polling, delivery, SMTP) and the spend metrics
 */
public record ControlPlaneSettings(String databaseUrl, String schema, int port, String bootstrapToken,
                                   String keyPepper, String redisUrl, String redisPrefix, Duration adminTokenTtl,
                                   FrontDoorSettings frontDoor, AnalyticsLink analytics, OidcSettings oidc,
                                   TlsSettings tls, AlertSettings alerts) {

  /** Plain HTTP, with the alerts' defaults (no SMTP server). */
  public ControlPlaneSettings(String databaseUrl, String schema, int port, String bootstrapToken, String keyPepper,
                              String redisUrl, String redisPrefix, Duration adminTokenTtl, FrontDoorSettings frontDoor,
                              AnalyticsLink analytics, OidcSettings oidc) {
    this(databaseUrl, schema, port, bootstrapToken, keyPepper, redisUrl, redisPrefix, adminTokenTtl, frontDoor,
        analytics, oidc, TlsSettings.off(), AlertSettings.defaults());
  }

  /** Plain HTTP, without single sign-on. */
  public ControlPlaneSettings(String databaseUrl, String schema, int port, String bootstrapToken, String keyPepper,
                              String redisUrl, String redisPrefix, Duration adminTokenTtl, FrontDoorSettings frontDoor,
                              AnalyticsLink analytics, AlertSettings alerts) {
    this(databaseUrl, schema, port, bootstrapToken, keyPepper, redisUrl, redisPrefix, adminTokenTtl, frontDoor,
        analytics, OidcSettings.NONE, TlsSettings.off(), alerts);
  }

  public ControlPlaneSettings withOidc(OidcSettings newOidc) {
    return new ControlPlaneSettings(databaseUrl, schema, port, bootstrapToken, keyPepper, redisUrl, redisPrefix,
        adminTokenTtl, frontDoor, analytics, newOidc, tls, alerts);
  }

  public ControlPlaneSettings withAlerts(AlertSettings newAlerts) {
    return new ControlPlaneSettings(databaseUrl, schema, port, bootstrapToken, keyPepper, redisUrl, redisPrefix,
        adminTokenTtl, frontDoor, analytics, oidc, tls, newAlerts);
  }

  /** Admin tokens are credentials to the whole platform: they expire unless the operator says otherwise. */
  public static final Duration DEFAULT_ADMIN_TOKEN_TTL = Duration.ofDays(90);

  /** Distinct from the gateway's 8080/8081 and the analytics consumer's 8091, so all run on one machine. */
  public static final int DEFAULT_PORT = 8090;

  /** The environment variables' prefix of the TLS options: TOLLGATE_CONTROL_PLANE_TLS_CERT_FILE… */
  public static final String TLS_ENVIRONMENT_PREFIX = "TOLLGATE_CONTROL_PLANE";

  /** Plain HTTP, without single sign-on, with the alerts' defaults. */
  public ControlPlaneSettings(String databaseUrl, String schema, int port, String bootstrapToken, String keyPepper,
                              String redisUrl, String redisPrefix, Duration adminTokenTtl, FrontDoorSettings frontDoor,
                              AnalyticsLink analytics) {
    this(databaseUrl, schema, port, bootstrapToken, keyPepper, redisUrl, redisPrefix, adminTokenTtl, frontDoor,
        analytics, OidcSettings.NONE, TlsSettings.off(), AlertSettings.defaults());
  }

  public ControlPlaneSettings withTls(TlsSettings newTls) {
    return new ControlPlaneSettings(databaseUrl, schema, port, bootstrapToken, keyPepper, redisUrl, redisPrefix,
        adminTokenTtl, frontDoor, analytics, oidc, newTls, alerts);
  }

  /** Without the analytics service. */
  public ControlPlaneSettings(String databaseUrl, String schema, int port, String bootstrapToken, String keyPepper,
                              String redisUrl, String redisPrefix, Duration adminTokenTtl, FrontDoorSettings frontDoor) {
    this(databaseUrl, schema, port, bootstrapToken, keyPepper, redisUrl, redisPrefix, adminTokenTtl, frontDoor,
        AnalyticsLink.NONE);
  }

  /** With the front door's defaults. */
  public ControlPlaneSettings(String databaseUrl, String schema, int port, String bootstrapToken, String keyPepper,
                              String redisUrl, String redisPrefix, Duration adminTokenTtl) {
    this(databaseUrl, schema, port, bootstrapToken, keyPepper, redisUrl, redisPrefix, adminTokenTtl,
        FrontDoorSettings.defaults());
  }

  public static ControlPlaneSettings fromEnv(Map<String, String> env) {
    return new ControlPlaneSettings(
        env.getOrDefault("TOLLGATE_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/tollgate"),
        env.getOrDefault("TOLLGATE_DATABASE_SCHEMA", "control_plane"),
        (int) number(env, "TOLLGATE_CONTROL_PLANE_PORT", DEFAULT_PORT, 0, 65_535),
        env.get("TOLLGATE_BOOTSTRAP_TOKEN"),
        require(env, "TOLLGATE_KEY_PEPPER"),
        env.getOrDefault("TOLLGATE_REDIS_URL", "redis://127.0.0.1:6379"),
        env.getOrDefault("TOLLGATE_REDIS_PREFIX", "tg"),
        duration(env, "TOLLGATE_ADMIN_TOKEN_TTL", DEFAULT_ADMIN_TOKEN_TTL),
        frontDoor(env),
        AnalyticsLink.fromEnv(env),
        OidcSettings.fromEnv(env),
        tls(env),
        alerts(env));
  }

  /** The TOLLGATE_CONTROL_PLANE_TLS_* variables. */
  private static TlsSettings tls(Map<String, String> env) {
    try {
      return TlsSettings.read(option -> env.getOrDefault(TlsSettings.environmentName(TLS_ENVIRONMENT_PREFIX, option), ""));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("TOLLGATE_CONTROL_PLANE_TLS_*: " + e.getMessage());
    }
  }

  /** The TOLLGATE_ALERTS_*, TOLLGATE_SMTP_* and TOLLGATE_SPEND_METRICS_TOP_ORGS variables. */
  private static AlertSettings alerts(Map<String, String> env) {
    AlertSettings d = AlertSettings.defaults();
    String startTls = env.getOrDefault("TOLLGATE_SMTP_STARTTLS", "OPTIONAL").trim().toUpperCase(java.util.Locale.ROOT);
    if (!java.util.List.of("DISABLED", "OPTIONAL", "REQUIRED").contains(startTls)) {
      throw new IllegalArgumentException("TOLLGATE_SMTP_STARTTLS must be DISABLED, OPTIONAL or REQUIRED, got \""
          + startTls + "\"");
    }
    String host = env.get("TOLLGATE_SMTP_HOST");
    AlertSettings.Smtp smtp = new AlertSettings.Smtp(host == null || host.isBlank() ? null : host.trim(),
        (int) number(env, "TOLLGATE_SMTP_PORT", 25, 1, 65_535),
        env.getOrDefault("TOLLGATE_SMTP_FROM", AlertSettings.Smtp.NONE.from()),
        env.get("TOLLGATE_SMTP_USERNAME"), env.get("TOLLGATE_SMTP_PASSWORD"), startTls,
        flag(env, "TOLLGATE_SMTP_IMPLICIT_TLS"));
    AlertSettings.Webhooks webhooks = new AlertSettings.Webhooks(list(env, "TOLLGATE_ALERTS_WEBHOOK_HOSTS"),
        list(env, "TOLLGATE_ALERTS_WEBHOOK_PRIVATE_NETWORKS"));
    try {
      io.tollgate.controlplane.alerts.WebhookEgress.validate(new AlertSettings.Webhooks(webhooks.hosts(), List.of()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("TOLLGATE_ALERTS_WEBHOOK_HOSTS: " + e.getMessage());
    }
    try {
      io.tollgate.controlplane.alerts.WebhookEgress.validate(new AlertSettings.Webhooks(List.of(),
          webhooks.privateNetworks()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("TOLLGATE_ALERTS_WEBHOOK_PRIVATE_NETWORKS: " + e.getMessage());
    }
    return new AlertSettings(
        number(env, "TOLLGATE_ALERTS_POLL_MS", d.pollMillis(), 100, 600_000),
        number(env, "TOLLGATE_ALERTS_DELIVERY_POLL_MS", d.deliveryPollMillis(), 50, 600_000),
        number(env, "TOLLGATE_ALERTS_RETRY_BASE_MS", d.retryBaseMillis(), 10, 600_000),
        (int) number(env, "TOLLGATE_ALERTS_MAX_ATTEMPTS", d.maxAttempts(), 1, 50),
        Duration.ofMinutes(number(env, "TOLLGATE_ALERTS_SAMPLE_MINUTES", d.sampleInterval().toMinutes(), 1, 1_440)),
        Duration.ofMinutes(number(env, "TOLLGATE_ALERTS_FORECAST_MIN_WINDOW_MINUTES",
            d.forecastMinWindow().toMinutes(), 1, 1_440)),
        smtp,
        (int) number(env, "TOLLGATE_SPEND_METRICS_TOP_ORGS", d.spendMetricsTopOrgs(), 1, 10_000),
        webhooks);
  }

  /** A comma-separated list; unset or blank: empty. */
  private static List<String> list(Map<String, String> env, String name) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return List.of();
    }
    return java.util.Arrays.stream(value.split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
  }

  /** true or false; unset or blank: false. */
  private static boolean flag(Map<String, String> env, String name) {
    String value = env.getOrDefault(name, "").trim();
    if (value.isEmpty() || value.equalsIgnoreCase("false")) {
      return false;
    }
    if (value.equalsIgnoreCase("true")) {
      return true;
    }
    throw new IllegalArgumentException(name + " must be true or false, got \"" + value + "\"");
  }

  /** The TOLLGATE_HTTP_* variables; defaults and bounds as every service's. */
  private static FrontDoorSettings frontDoor(Map<String, String> env) {
    return FrontDoorSettings.read((option, fallback, min, max) ->
        number(env, FrontDoorSettings.environmentName(option), fallback, min, max));
  }

  /** A whole number within bounds; unset or blank: the fallback. The message names the variable. */
  private static long number(Map<String, String> env, String name, long fallback, long min, long max) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    long parsed;
    try {
      parsed = Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, got \"" + value + "\"");
    }
    if (parsed < min || parsed > max) {
      throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + parsed);
    }
    return parsed;
  }

  /** ISO-8601 ("P30D", "PT12H") or a number of days ("30"); "0" means tokens never expire. */
  private static Duration duration(Map<String, String> env, String name, Duration fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return parseTtl(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + " " + e.getMessage());
    }
  }

  /** A token lifetime: ISO-8601 ("P30D", "PT12H") or whole days ("30"); zero means forever. */
  public static Duration parseTtl(String value) {
    try {
      Duration parsed = value.matches("\\d+") ? Duration.ofDays(Long.parseLong(value)) : Duration.parse(value);
      if (parsed.isNegative()) {
        throw new IllegalArgumentException("must not be negative: " + value);
      }
      return parsed;
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new IllegalArgumentException("must be a number of days or an ISO-8601 duration (P30D): " + value);
    }
  }

  private static String require(Map<String, String> env, String name) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must be set");
    }
    return value;
  }
}

package io.tollgate.controlplane.config;

import java.time.Duration;

/**
 * Budget alerts and spend metrics (docs/configuration.md, ADR 0012).
 *
 * @param pollMillis          how often the gateways' threshold markers (and spend) are read from Redis
 * @param deliveryPollMillis  how often due deliveries are looked for
 * @param retryBaseMillis     first retry delay of a failed delivery; doubled each attempt, at most 10 min
 * @param maxAttempts         attempts per delivery before it fails for good
 * @param sampleInterval      how often spend is sampled for the forecast (and the forecast evaluated)
 * @param forecastMinWindow   the shortest span of samples a forecast is made from (a few minutes'
 *                            burst is not a rate)
 * @param smtp                the SMTP server for email channels (host null: email channels refused)
 * @param spendMetricsTopOrgs orgs with their own spend series; the rest are summed as org="other"
 */
public record AlertSettings(long pollMillis, long deliveryPollMillis, long retryBaseMillis, int maxAttempts,
                            Duration sampleInterval, Duration forecastMinWindow, Smtp smtp, int spendMetricsTopOrgs) {

  public static final long DEFAULT_POLL_MILLIS = 5_000;
  public static final int DEFAULT_TOP_ORGS = 50;

  /**
   * @param startTls DISABLED, OPTIONAL or REQUIRED (Vert.x mail's StartTLSOptions)
   */
  public record Smtp(String host, int port, String from, String username, String password, String startTls) {

    public static final Smtp NONE = new Smtp(null, 25, "tollgate@localhost", null, null, "OPTIONAL");

    public boolean configured() {
      return host != null && !host.isBlank();
    }
  }

  public static AlertSettings defaults() {
    return new AlertSettings(DEFAULT_POLL_MILLIS, 1_000, 2_000, 8, Duration.ofMinutes(10), Duration.ofHours(1),
        Smtp.NONE, DEFAULT_TOP_ORGS);
  }

  public AlertSettings withSmtp(Smtp newSmtp) {
    return new AlertSettings(pollMillis, deliveryPollMillis, retryBaseMillis, maxAttempts, sampleInterval,
        forecastMinWindow, newSmtp, spendMetricsTopOrgs);
  }

  /** Delay before attempt {@code attempt + 1}, after {@code attempt} failed; -1 when none is left. */
  public long retryDelayMillis(int attempt) {
    if (attempt >= maxAttempts) {
      return -1;
    }
    return Math.min(Duration.ofMinutes(10).toMillis(), retryBaseMillis << Math.min(20, attempt - 1));
  }
}

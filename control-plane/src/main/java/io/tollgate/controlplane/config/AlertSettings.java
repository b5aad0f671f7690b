package io.tollgate.controlplane.config;

import java.time.Duration;
import java.util.List;

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
 * @param webhooks            where webhook channels may post (hosts, and the non-public networks allowed)
 */
public record AlertSettings(long pollMillis, long deliveryPollMillis, long retryBaseMillis, int maxAttempts,
                            Duration sampleInterval, Duration forecastMinWindow, Smtp smtp, int spendMetricsTopOrgs,
                            Webhooks webhooks) {

  /** With the default webhook egress: any host, public addresses only. */
  public AlertSettings(long pollMillis, long deliveryPollMillis, long retryBaseMillis, int maxAttempts,
                       Duration sampleInterval, Duration forecastMinWindow, Smtp smtp, int spendMetricsTopOrgs) {
    this(pollMillis, deliveryPollMillis, retryBaseMillis, maxAttempts, sampleInterval, forecastMinWindow, smtp,
        spendMetricsTopOrgs, Webhooks.PUBLIC_ONLY);
  }

  public static final long DEFAULT_POLL_MILLIS = 5_000;
  public static final int DEFAULT_TOP_ORGS = 50;

  /**
   * @param startTls DISABLED, OPTIONAL or REQUIRED (Vert.x mail's StartTLSOptions)
   */
  public record Smtp(String host, int port, String from, String username, String password, String startTls,
                     boolean ssl) {

    public static final Smtp NONE = new Smtp(null, 25, "tollgate@localhost", null, null, "OPTIONAL", false);

    /** Without implicit TLS (STARTTLS as {@code startTls} says). */
    public Smtp(String host, int port, String from, String username, String password, String startTls) {
      this(host, port, from, username, password, startTls, false);
    }

    public boolean configured() {
      return host != null && !host.isBlank();
    }
  }

  public static AlertSettings defaults() {
    return new AlertSettings(DEFAULT_POLL_MILLIS, 1_000, 2_000, 8, Duration.ofMinutes(10), Duration.ofHours(1),
        Smtp.NONE, DEFAULT_TOP_ORGS);
  }

  /**
   * Where webhook channels may post (ADR 0012): a channel's URL is chosen by an org's admins, and
   * the control plane posts from inside the cluster, so without this an admin could make it POST to
   * the cloud's metadata service or any internal address (SSRF).
   *
   * @param hosts           host patterns a webhook URL must match ({@code hooks.slack.com},
   *                        {@code *.webhook.office.com}: any subdomain, not the apex); empty: any host
   * @param privateNetworks CIDRs (or single addresses) posted to although they are not public
   *                        (loopback, private, link-local, metadata ...); empty: public addresses only
   */
  public record Webhooks(List<String> hosts, List<String> privateNetworks) {

    public static final Webhooks PUBLIC_ONLY = new Webhooks(List.of(), List.of());

    public Webhooks {
      hosts = List.copyOf(hosts);
      privateNetworks = List.copyOf(privateNetworks);
    }
  }

  public AlertSettings withSmtp(Smtp newSmtp) {
    return new AlertSettings(pollMillis, deliveryPollMillis, retryBaseMillis, maxAttempts, sampleInterval,
        forecastMinWindow, newSmtp, spendMetricsTopOrgs, webhooks);
  }

  public AlertSettings withWebhooks(Webhooks newWebhooks) {
    return new AlertSettings(pollMillis, deliveryPollMillis, retryBaseMillis, maxAttempts, sampleInterval,
        forecastMinWindow, smtp, spendMetricsTopOrgs, newWebhooks);
  }

  /** Delay before attempt {@code attempt + 1}, after {@code attempt} failed; -1 when none is left. */
  public long retryDelayMillis(int attempt) {
    if (attempt >= maxAttempts) {
      return -1;
    }
    return Math.min(Duration.ofMinutes(10).toMillis(), retryBaseMillis << Math.min(20, attempt - 1));
  }
}

package io.tollgate.gateway.config.sync;

import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.PemTrustOptions;

import java.net.URI;
import java.util.Map;

/**
 * Where a gateway in platform mode gets its config snapshots from.
 *
 * @param controlPlaneUrl base URL of the control plane, e.g. http://control-plane:8090
 * @param token           a control-plane user token (any signed-in user may read snapshots)
 * @param pollIntervalMs  catch-up poll of the latest version, for announcements that were missed
 * @param timeoutMs       each fetch fails after this; the gateway keeps its last good snapshot
 * @param caFile          CA certificates (PEM) an {@code https://} control plane's certificate must chain to
 *                        (TOLLGATE_CONTROL_PLANE_CA_FILE, an in-cluster CA); empty: the JDK's CAs
 */
public record ConfigSyncSettings(URI controlPlaneUrl, String token, long pollIntervalMs, long timeoutMs,
                                 String caFile) {

  public ConfigSyncSettings {
    caFile = caFile == null ? "" : caFile.trim();
  }

  /** Trusting the JDK's CAs. */
  public ConfigSyncSettings(URI controlPlaneUrl, String token, long pollIntervalMs, long timeoutMs) {
    this(controlPlaneUrl, token, pollIntervalMs, timeoutMs, "");
  }

  /** A client for the control plane: TLS for https://, its certificate verified (host name too) against caFile. */
  public HttpClientOptions clientOptions() {
    HttpClientOptions options = new HttpClientOptions().setSsl("https".equals(controlPlaneUrl.getScheme()))
        .setVerifyHost(true);
    if (!caFile.isEmpty()) {
      options.setTrustOptions(new PemTrustOptions().addCertPath(caFile));
    }
    return options;
  }

  public static final long DEFAULT_POLL_MS = 5_000;
  public static final long DEFAULT_TIMEOUT_MS = 2_000;

  /**
   * From TOLLGATE_CONTROL_PLANE_URL / _TOKEN / _CA_FILE / TOLLGATE_CONFIG_POLL_MS; null when no URL is set.
   *
   * @throws IllegalArgumentException naming the variable whose value cannot work
   */
  public static ConfigSyncSettings fromEnv(Map<String, String> env) {
    String url = env.get("TOLLGATE_CONTROL_PLANE_URL");
    if (url == null || url.isBlank()) {
      return null;
    }
    String pollText = env.getOrDefault("TOLLGATE_CONFIG_POLL_MS", Long.toString(DEFAULT_POLL_MS)).trim();
    long poll;
    try {
      poll = Long.parseLong(pollText);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("TOLLGATE_CONFIG_POLL_MS must be a whole number of milliseconds, got \""
          + pollText + "\"");
    }
    if (poll < 100) {
      throw new IllegalArgumentException("TOLLGATE_CONFIG_POLL_MS must be at least 100, got " + poll);
    }
    URI parsed;
    try {
      parsed = URI.create(url.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("TOLLGATE_CONTROL_PLANE_URL is not a URL: \"" + url + "\"");
    }
    if (parsed.getHost() == null || !("http".equals(parsed.getScheme()) || "https".equals(parsed.getScheme()))) {
      throw new IllegalArgumentException("TOLLGATE_CONTROL_PLANE_URL must be http://host[:port] or https://…, got \""
          + url + "\"");
    }
    return new ConfigSyncSettings(parsed, env.getOrDefault("TOLLGATE_CONTROL_PLANE_TOKEN", ""), poll,
        DEFAULT_TIMEOUT_MS, env.getOrDefault("TOLLGATE_CONTROL_PLANE_CA_FILE", ""));
  }
}

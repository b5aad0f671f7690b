package io.tollgate.gateway.config.sync;

import java.net.URI;
import java.util.Map;

/**
 * Where a gateway in platform mode gets its config snapshots from.
 *
 * @param controlPlaneUrl base URL of the control plane, e.g. http://control-plane:8090
 * @param token           a control-plane user token (any signed-in user may read snapshots)
 * @param pollIntervalMs  catch-up poll of the latest version, for announcements that were missed
 * @param timeoutMs       each fetch fails after this; the gateway keeps its last good snapshot
 */
public record ConfigSyncSettings(URI controlPlaneUrl, String token, long pollIntervalMs, long timeoutMs) {

  public static final long DEFAULT_POLL_MS = 5_000;
  public static final long DEFAULT_TIMEOUT_MS = 2_000;

  /** From TOLLGATE_CONTROL_PLANE_URL / _TOKEN / TOLLGATE_CONFIG_POLL_MS; null when no URL is set. */
  public static ConfigSyncSettings fromEnv(Map<String, String> env) {
    String url = env.get("TOLLGATE_CONTROL_PLANE_URL");
    if (url == null || url.isBlank()) {
      return null;
    }
    long poll = Long.parseLong(env.getOrDefault("TOLLGATE_CONFIG_POLL_MS", Long.toString(DEFAULT_POLL_MS)));
    return new ConfigSyncSettings(URI.create(url), env.getOrDefault("TOLLGATE_CONTROL_PLANE_TOKEN", ""), poll,
        DEFAULT_TIMEOUT_MS);
  }
}

package io.tollgate.controlplane.config;

import java.util.Map;

/**
 * Where the analytics service answers and its API token, for the usage the control plane serves
 * to signed-in users scoped to their orgs (the token never leaves the control plane).
 *
 * @param url   e.g. http://analytics:8091; null: usage is not available here
 * @param token the analytics service's bearer token
 */
public record AnalyticsLink(String url, String token) {

  public static final AnalyticsLink NONE = new AnalyticsLink(null, null);

  public boolean configured() {
    return url != null && token != null;
  }

  /** TOLLGATE_ANALYTICS_URL and TOLLGATE_ANALYTICS_TOKEN: both or neither. */
  public static AnalyticsLink fromEnv(Map<String, String> env) {
    String url = blankToNull(env.get("TOLLGATE_ANALYTICS_URL"));
    String token = blankToNull(env.get("TOLLGATE_ANALYTICS_TOKEN"));
    if ((url == null) != (token == null)) {
      throw new IllegalArgumentException("TOLLGATE_ANALYTICS_URL and TOLLGATE_ANALYTICS_TOKEN go together: set both or neither");
    }
    if (url != null && !url.matches("https?://[^/]+/?")) {
      throw new IllegalArgumentException("TOLLGATE_ANALYTICS_URL must be http(s)://host:port, got \"" + url + "\"");
    }
    return url == null ? NONE : new AnalyticsLink(url.replaceAll("/$", ""), token);
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}

package io.tollgate.gpu.signals;

import java.net.URI;

/**
 * A backend the fleet monitor watches.
 *
 * @param id      the backend's id, for logs
 * @param url     its base URL; /metrics and /health are appended to its path
 * @param signals where scrapes and health checks are published
 */
public record SignalTarget(String id, URI url, LoadSignals signals) {

  public String host() {
    return url.getHost();
  }

  public boolean ssl() {
    return "https".equalsIgnoreCase(url.getScheme());
  }

  public int port() {
    return url.getPort() > 0 ? url.getPort() : ssl() ? 443 : 80;
  }

  /** The base URL's path without a trailing slash, then {@code path}. */
  public String uri(String path) {
    String base = url.getPath() == null ? "" : url.getPath();
    if (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return base + path;
  }
}

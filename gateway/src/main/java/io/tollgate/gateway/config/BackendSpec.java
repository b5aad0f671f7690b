package io.tollgate.gateway.config;

import java.net.URI;

/**
 * A vLLM (or vLLM-compatible) server.
 *
 * @param id   stable name used by routes and in usage events
 * @param url  base URL, e.g. {@code http://10.0.0.7:8000}; paths such as /v1/chat/completions
 *             are appended to it
 */
public record BackendSpec(String id, URI url) {

  public String host() {
    return url.getHost();
  }

  public int port() {
    int port = url.getPort();
    if (port > 0) {
      return port;
    }
    return ssl() ? 443 : 80;
  }

  public boolean ssl() {
    return "https".equalsIgnoreCase(url.getScheme());
  }

  /** Path prefix of the base URL without a trailing slash ("" when none). */
  public String basePath() {
    String path = url.getPath();
    if (path == null || path.isEmpty() || "/".equals(path)) {
      return "";
    }
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }
}

package io.tollgate.loadtest.client;

import java.net.URI;
import java.util.Locale;

/**
 * One server the harness drives: our gateway, the simulator, a real vLLM or another gateway.
 *
 * @param label   how figures are labelled ("A", "direct", "gateway")
 * @param baseUrl as given, e.g. {@code http://127.0.0.1:8000}; a trailing {@code /v1} is accepted
 * @param apiKey  sent as {@code Authorization: Bearer …}; null or empty = no header
 */
public record Target(String label, String baseUrl, String apiKey) {

  public Target {
    if (label == null || label.isBlank()) {
      throw new IllegalArgumentException("a target needs a label");
    }
    uri(baseUrl); // validates
  }

  private static URI uri(String baseUrl) {
    try {
      URI uri = URI.create(baseUrl.strip());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw new IllegalArgumentException("base URL must start with http:// or https://: " + baseUrl);
      }
      if (uri.getHost() == null) {
        throw new IllegalArgumentException("base URL has no host: " + baseUrl);
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad base URL '" + baseUrl + "': " + e.getMessage(), e);
    }
  }

  public boolean ssl() {
    return "https".equalsIgnoreCase(uri(baseUrl).getScheme());
  }

  public String host() {
    return uri(baseUrl).getHost();
  }

  public int port() {
    URI uri = uri(baseUrl);
    return uri.getPort() > 0 ? uri.getPort() : (ssl() ? 443 : 80);
  }

  /** The path before {@code /v1/...}: a base URL may sit under a prefix, and may end with /v1 itself. */
  public String pathPrefix() {
    String path = uri(baseUrl).getRawPath();
    if (path == null) {
      return "";
    }
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    if (path.endsWith("/v1")) {
      path = path.substring(0, path.length() - 3);
    }
    return path;
  }

  public String path(Endpoint endpoint) {
    return pathPrefix() + endpoint.path();
  }

  public boolean hasKey() {
    return apiKey != null && !apiKey.isBlank();
  }
}

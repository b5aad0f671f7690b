package io.tollgate.analytics.config;

/**
 * The HTTP API.
 *
 * @param host  bind address
 * @param port  port (0: any free port)
 * @param token bearer token every /v1 request must carry (empty: one is generated at start)
 */
public record ApiSettings(String host, int port, String token) {

  public ApiSettings withPort(int newPort) {
    return new ApiSettings(host, newPort, token);
  }

  public ApiSettings withToken(String newToken) {
    return new ApiSettings(host, port, newToken);
  }
}

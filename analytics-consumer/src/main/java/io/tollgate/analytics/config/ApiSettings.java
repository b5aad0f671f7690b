package io.tollgate.analytics.config;

import io.tollgate.frontdoor.FrontDoorSettings;
import io.tollgate.frontdoor.TlsSettings;

/**
 * The HTTP API.
 *
 * @param host      bind address
 * @param port      port (0: any free port)
 * @param token     bearer token every /v1 request must carry (empty: one is generated at start)
 * @param frontDoor what the port allows a client before a request reaches the API (deadlines, sizes,
 *                  connections), under the same TOLLGATE_HTTP_* names as the other services
 * @param tls       HTTPS on the port (api.tls*, TOLLGATE_ANALYTICS_TLS_*); client certificates optional
 */
public record ApiSettings(String host, int port, String token, FrontDoorSettings frontDoor, TlsSettings tls) {

  /** With the front door's defaults. */
  public ApiSettings(String host, int port, String token) {
    this(host, port, token, FrontDoorSettings.defaults());
  }

  /** Plain HTTP. */
  public ApiSettings(String host, int port, String token, FrontDoorSettings frontDoor) {
    this(host, port, token, frontDoor, TlsSettings.off());
  }

  public ApiSettings withTls(TlsSettings newTls) {
    return new ApiSettings(host, port, token, frontDoor, newTls);
  }

  public ApiSettings withPort(int newPort) {
    return new ApiSettings(host, newPort, token, frontDoor, tls);
  }

  public ApiSettings withToken(String newToken) {
    return new ApiSettings(host, port, newToken, frontDoor, tls);
  }

  public ApiSettings withFrontDoor(FrontDoorSettings newFrontDoor) {
    return new ApiSettings(host, port, token, newFrontDoor, tls);
  }
}

package io.tollgate.analytics.config;

import io.tollgate.frontdoor.FrontDoorSettings;

/**
 * The HTTP API.
 *
 * @param host      bind address
 * @param port      port (0: any free port)
 * @param token     bearer token every /v1 request must carry (empty: one is generated at start)
 * @param frontDoor what the port allows a client before a request reaches the API (deadlines, sizes,
 *                  connections), under the same TOLLGATE_HTTP_* names as the other services
 */
public record ApiSettings(String host, int port, String token, FrontDoorSettings frontDoor) {

  /** With the front door's defaults. */
  public ApiSettings(String host, int port, String token) {
    this(host, port, token, FrontDoorSettings.defaults());
  }

  public ApiSettings withPort(int newPort) {
    return new ApiSettings(host, newPort, token, frontDoor);
  }

  public ApiSettings withToken(String newToken) {
    return new ApiSettings(host, port, newToken, frontDoor);
  }

  public ApiSettings withFrontDoor(FrontDoorSettings newFrontDoor) {
    return new ApiSettings(host, port, token, newFrontDoor);
  }
}

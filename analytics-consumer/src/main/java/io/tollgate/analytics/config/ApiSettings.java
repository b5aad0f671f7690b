package io.tollgate.analytics.config;

import io.tollgate.frontdoor.FrontDoorSettings;

/**
 * The HTTP API.
 *
 * @param host            bind address
 * @param port            port (0: any free port)
 * @param token           machine-to-machine bearer token (reads every org; empty: one is generated at
 *                        start)
 * @param frontDoor       what the port allows a client before a request reaches the API (deadlines,
 *                        sizes, connections), under the same TOLLGATE_HTTP_* names as the other services
 * @param controlPlaneUrl where callers with control-plane identities are looked up (empty: only
 *                        {@code token} is accepted)
 * @param identityCacheMs how long a looked-up identity is kept
 */
public record ApiSettings(String host, int port, String token, FrontDoorSettings frontDoor, String controlPlaneUrl,
                          long identityCacheMs) {

  public static final long DEFAULT_IDENTITY_CACHE_MS = 30_000;

  /** With the front door's defaults and no control plane. */
  public ApiSettings(String host, int port, String token) {
    this(host, port, token, FrontDoorSettings.defaults(), "", DEFAULT_IDENTITY_CACHE_MS);
  }

  public ApiSettings withPort(int newPort) {
    return new ApiSettings(host, newPort, token, frontDoor, controlPlaneUrl, identityCacheMs);
  }

  public ApiSettings withToken(String newToken) {
    return new ApiSettings(host, port, newToken, frontDoor, controlPlaneUrl, identityCacheMs);
  }

  public ApiSettings withFrontDoor(FrontDoorSettings newFrontDoor) {
    return new ApiSettings(host, port, token, newFrontDoor, controlPlaneUrl, identityCacheMs);
  }

  public ApiSettings withControlPlane(String url, long cacheMs) {
    return new ApiSettings(host, port, token, frontDoor, url, cacheMs);
  }
}

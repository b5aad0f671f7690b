package io.tollgate.analytics.config;

import io.tollgate.frontdoor.FrontDoorSettings;
import io.tollgate.frontdoor.TlsSettings;

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
 * @param tls             HTTPS on the port (api.tls*, TOLLGATE_ANALYTICS_TLS_*); client certificates optional
 */
public record ApiSettings(String host, int port, String token, FrontDoorSettings frontDoor, String controlPlaneUrl,
                          long identityCacheMs, TlsSettings tls) {

  public static final long DEFAULT_IDENTITY_CACHE_MS = 30_000;

  /** With the front door's defaults and no control plane. */
  public ApiSettings(String host, int port, String token) {
    this(host, port, token, FrontDoorSettings.defaults(), "", DEFAULT_IDENTITY_CACHE_MS, TlsSettings.off());
  }

  /** Plain HTTP, no control plane. */
  public ApiSettings(String host, int port, String token, FrontDoorSettings frontDoor) {
    this(host, port, token, frontDoor, "", DEFAULT_IDENTITY_CACHE_MS, TlsSettings.off());
  }

  /** Plain HTTP. */
  public ApiSettings(String host, int port, String token, FrontDoorSettings frontDoor, String controlPlaneUrl,
                     long identityCacheMs) {
    this(host, port, token, frontDoor, controlPlaneUrl, identityCacheMs, TlsSettings.off());
  }

  public ApiSettings withTls(TlsSettings newTls) {
    return new ApiSettings(host, port, token, frontDoor, controlPlaneUrl, identityCacheMs, newTls);
  }

  public ApiSettings withPort(int newPort) {
    return new ApiSettings(host, newPort, token, frontDoor, controlPlaneUrl, identityCacheMs, tls);
  }

  public ApiSettings withToken(String newToken) {
    return new ApiSettings(host, port, newToken, frontDoor, controlPlaneUrl, identityCacheMs, tls);
  }

  public ApiSettings withFrontDoor(FrontDoorSettings newFrontDoor) {
    return new ApiSettings(host, port, token, newFrontDoor, controlPlaneUrl, identityCacheMs, tls);
  }

  public ApiSettings withControlPlane(String url, long cacheMs) {
    return new ApiSettings(host, port, token, frontDoor, url, cacheMs, tls);
  }
}

package io.tollgate.gateway.config;

import io.tollgate.frontdoor.FrontDoorSettings;
import io.tollgate.frontdoor.Http2Policy;

import java.nio.file.Path;

/**
 * Process-level settings: read once at start, not reloadable (ports, secrets, paths).
 *
 * @param host                 data-plane bind address
 * @param port                 data-plane port (0 = any free port)
 * @param adminHost            admin bind address
 * @param adminPort            admin port (0 = any free port)
 * @param adminToken           bearer token for the admin API
 * @param keyPepper            secret mixed into every API key hash (HMAC-SHA256 key)
 * @param maxBodyBytes         request bodies above this are refused with 413
 * @param keepAliveIntervalMs  SSE comment sent while waiting for the first token
 * @param shutdownGraceMs      how long in-flight streams may run after SIGTERM
 * @param usageSpoolPath       JSON-lines file that receives usage events in standalone mode
 * @param eventLoops           HTTP server verticle instances (0 = one per core)
 * @param frontDoor            the public port's deadlines and size limits (header, body, idle; connections)
 * @param drainDelayMs         after SIGTERM, how long the gateway keeps accepting and serving new
 *                             requests (readiness already 503) before its listener closes, so that a
 *                             load balancer that still sends traffic meanwhile meets no refused
 *                             connection; the chart's preStop sleep is the same 5 s by default
 * @param decompressRequests   gzip/deflate request bodies inflated (within maxBodyBytes of inflated bytes);
 *                             false: refused with 415
 * @param cors                 cross-origin access for browser apps (off unless origins are listed)
 * @param upstreamApiKey       sent to every backend as {@code Authorization: Bearer} (vLLM's --api-key); empty: none
 * @param tls                  HTTPS on the data-plane and admin ports, trust in the backends' certificates
 * @param http2                HTTP/2 on the data plane: h2 over TLS (on by default), h2c (off), stream and reset limits
 */
public record GatewaySettings(
    String host,
    int port,
    String adminHost,
    int adminPort,
    String adminToken,
    String keyPepper,
    long maxBodyBytes,
    long keepAliveIntervalMs,
    long shutdownGraceMs,
    Path usageSpoolPath,
    int eventLoops,
    FrontDoorSettings frontDoor,
    long drainDelayMs,
    boolean decompressRequests,
    CorsSettings cors,
    String upstreamApiKey,
    GatewayTls tls,
    Http2Policy http2) {

  public static final long DEFAULT_DRAIN_DELAY_MS = 5_000;

  /** Settings with the default HTTP/2 policy (tests and tools that build settings by hand). */
  public GatewaySettings(String host, int port, String adminHost, int adminPort, String adminToken, String keyPepper,
                         long maxBodyBytes, long keepAliveIntervalMs, long shutdownGraceMs, Path usageSpoolPath,
                         int eventLoops, FrontDoorSettings frontDoor, long drainDelayMs, boolean decompressRequests,
                         CorsSettings cors, String upstreamApiKey, GatewayTls tls) {
    this(host, port, adminHost, adminPort, adminToken, keyPepper, maxBodyBytes, keepAliveIntervalMs, shutdownGraceMs,
        usageSpoolPath, eventLoops, frontDoor, drainDelayMs, decompressRequests, cors, upstreamApiKey, tls,
        Http2Policy.defaults());
  }

  /** Settings without TLS (tests and tools that build settings by hand). */
  public GatewaySettings(String host, int port, String adminHost, int adminPort, String adminToken, String keyPepper,
                         long maxBodyBytes, long keepAliveIntervalMs, long shutdownGraceMs, Path usageSpoolPath,
                         int eventLoops, FrontDoorSettings frontDoor, long drainDelayMs, boolean decompressRequests,
                         CorsSettings cors, String upstreamApiKey) {
    this(host, port, adminHost, adminPort, adminToken, keyPepper, maxBodyBytes, keepAliveIntervalMs, shutdownGraceMs,
        usageSpoolPath, eventLoops, frontDoor, drainDelayMs, decompressRequests, cors, upstreamApiKey, GatewayTls.off());
  }

  /** Settings with the front door's defaults and no drain delay (tests and tools that build settings by hand). */
  public GatewaySettings(String host, int port, String adminHost, int adminPort, String adminToken, String keyPepper,
                         long maxBodyBytes, long keepAliveIntervalMs, long shutdownGraceMs, Path usageSpoolPath,
                         int eventLoops) {
    this(host, port, adminHost, adminPort, adminToken, keyPepper, maxBodyBytes, keepAliveIntervalMs, shutdownGraceMs,
        usageSpoolPath, eventLoops, FrontDoorSettings.defaults());
  }

  /** Settings built by hand with a front door of their own and no drain delay (tests, tools). */
  public GatewaySettings(String host, int port, String adminHost, int adminPort, String adminToken, String keyPepper,
                         long maxBodyBytes, long keepAliveIntervalMs, long shutdownGraceMs, Path usageSpoolPath,
                         int eventLoops, FrontDoorSettings frontDoor) {
    this(host, port, adminHost, adminPort, adminToken, keyPepper, maxBodyBytes, keepAliveIntervalMs, shutdownGraceMs,
        usageSpoolPath, eventLoops, frontDoor, 0, true, CorsSettings.off(), "");
  }

  /** The settings a gateway.yaml without server/security/usage sections gets. */
  public static GatewaySettings defaults() {
    return new GatewaySettings("0.0.0.0", 8080, "127.0.0.1", 8081, "", "change-me",
        1_048_576, 15_000, 30_000, Path.of("var/usage/usage.jsonl"), 0, FrontDoorSettings.defaults(),
        DEFAULT_DRAIN_DELAY_MS, true, CorsSettings.off(), "", GatewayTls.off(), Http2Policy.defaults());
  }

  public GatewaySettings withDrainDelayMs(long newDrainDelayMs) {
    return new GatewaySettings(host, port, adminHost, adminPort, adminToken, keyPepper, maxBodyBytes,
        keepAliveIntervalMs, shutdownGraceMs, usageSpoolPath, eventLoops, frontDoor, newDrainDelayMs,
        decompressRequests, cors, upstreamApiKey, tls, http2);
  }

  /** For the start-up code that generates a token when the config leaves it empty. */
  public GatewaySettings withAdminToken(String newAdminToken) {
    return new GatewaySettings(host, port, adminHost, adminPort, newAdminToken, keyPepper, maxBodyBytes,
        keepAliveIntervalMs, shutdownGraceMs, usageSpoolPath, eventLoops, frontDoor, drainDelayMs,
        decompressRequests, cors, upstreamApiKey, tls, http2);
  }

  public GatewaySettings withPorts(int newPort, int newAdminPort) {
    return new GatewaySettings(host, newPort, adminHost, newAdminPort, adminToken, keyPepper, maxBodyBytes,
        keepAliveIntervalMs, shutdownGraceMs, usageSpoolPath, eventLoops, frontDoor, drainDelayMs,
        decompressRequests, cors, upstreamApiKey, tls, http2);
  }

  public GatewaySettings withFrontDoor(FrontDoorSettings newFrontDoor) {
    return new GatewaySettings(host, port, adminHost, adminPort, adminToken, keyPepper, maxBodyBytes,
        keepAliveIntervalMs, shutdownGraceMs, usageSpoolPath, eventLoops, newFrontDoor, drainDelayMs,
        decompressRequests, cors, upstreamApiKey, tls, http2);
  }

  public GatewaySettings withCors(CorsSettings newCors) {
    return new GatewaySettings(host, port, adminHost, adminPort, adminToken, keyPepper, maxBodyBytes,
        keepAliveIntervalMs, shutdownGraceMs, usageSpoolPath, eventLoops, frontDoor, drainDelayMs,
        decompressRequests, newCors, upstreamApiKey, tls, http2);
  }

  public GatewaySettings withRequestDecompression(boolean decompress) {
    return new GatewaySettings(host, port, adminHost, adminPort, adminToken, keyPepper, maxBodyBytes,
        keepAliveIntervalMs, shutdownGraceMs, usageSpoolPath, eventLoops, frontDoor, drainDelayMs,
        decompress, cors, upstreamApiKey, tls, http2);
  }

  public GatewaySettings withUpstreamApiKey(String key) {
    return new GatewaySettings(host, port, adminHost, adminPort, adminToken, keyPepper, maxBodyBytes,
        keepAliveIntervalMs, shutdownGraceMs, usageSpoolPath, eventLoops, frontDoor, drainDelayMs,
        decompressRequests, cors, key, tls, http2);
  }

  public GatewaySettings withTls(GatewayTls newTls) {
    return new GatewaySettings(host, port, adminHost, adminPort, adminToken, keyPepper, maxBodyBytes,
        keepAliveIntervalMs, shutdownGraceMs, usageSpoolPath, eventLoops, frontDoor, drainDelayMs,
        decompressRequests, cors, upstreamApiKey, newTls, http2);
  }

  public GatewaySettings withHttp2(Http2Policy newHttp2) {
    return new GatewaySettings(host, port, adminHost, adminPort, adminToken, keyPepper, maxBodyBytes,
        keepAliveIntervalMs, shutdownGraceMs, usageSpoolPath, eventLoops, frontDoor, drainDelayMs,
        decompressRequests, cors, upstreamApiKey, tls, newHttp2);
  }
}

package io.tollgate.gateway.http;

import io.tollgate.gateway.config.CorsSettings;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * Cross-origin access for browser apps: a preflight ({@code OPTIONS} with
 * {@code Access-Control-Request-Method}) is answered here, before authentication (browsers send
 * preflights without credentials); an actual request from an allowed origin gets the headers that
 * let its script read the answer. Off unless origins are configured: then nothing is added, and
 * browsers keep other origins out as they would without a gateway. The grant names the origin
 * itself rather than '*': correct with or without credentials, and cacheable with Vary: Origin.
 */
final class Cors {

  private final CorsSettings settings;

  Cors(CorsSettings settings) {
    this.settings = settings;
  }

  /** Answers the request if it is a preflight; returns whether it did. */
  boolean preflight(HttpServerRequest request) {
    if (!settings.enabled() || request.method() != HttpMethod.OPTIONS) {
      return false;
    }
    String origin = request.getHeader("origin");
    String method = request.getHeader("access-control-request-method");
    if (origin == null || method == null) {
      return false;
    }
    HttpServerResponse response = request.response();
    response.putHeader("vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
    String requestedHeaders = request.getHeader("access-control-request-headers");
    if (settings.allowsOrigin(origin) && settings.allowsMethod(method) && settings.allowsHeaders(requestedHeaders)) {
      response.putHeader("access-control-allow-origin", origin)
          .putHeader("access-control-allow-methods", String.join(", ", settings.allowedMethods()))
          .putHeader("access-control-max-age", Long.toString(settings.maxAgeSeconds()));
      if (requestedHeaders != null && !requestedHeaders.isBlank()) {
        response.putHeader("access-control-allow-headers", settings.allowedHeaders().contains("*")
            ? requestedHeaders : String.join(", ", settings.allowedHeaders()));
      }
    }
    // Refused or not, a preflight is answered without a body; the browser judges by the headers.
    response.setStatusCode(204).end();
    return true;
  }

  /** Adds the headers an allowed origin's script needs to read this answer. */
  void decorate(HttpServerRequest request) {
    if (!settings.enabled()) {
      return;
    }
    String origin = request.getHeader("origin");
    if (origin == null) {
      return;
    }
    HttpServerResponse response = request.response();
    response.putHeader("vary", "Origin");
    if (settings.allowsOrigin(origin)) {
      response.putHeader("access-control-allow-origin", origin)
          .putHeader("access-control-expose-headers", String.join(", ", settings.exposedHeaders()));
    }
  }
}

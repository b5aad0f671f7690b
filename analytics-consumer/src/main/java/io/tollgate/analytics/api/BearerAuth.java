package io.tollgate.analytics.api;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Every /v1 request carries {@code Authorization: Bearer <api.token>}; compared in constant time. */
final class BearerAuth implements Handler<RoutingContext> {

  private final byte[] expected;

  BearerAuth(String token) {
    this.expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (header != null && MessageDigest.isEqual(expected, header.getBytes(StandardCharsets.UTF_8))) {
      ctx.next();
      return;
    }
    ctx.response().putHeader("www-authenticate", "Bearer realm=\"tollgate-analytics\"");
    new ApiError(401, header == null ? "missing_token" : "invalid_token",
        header == null ? "Authorization: Bearer <token> is required" : "the bearer token is not valid")
        .send(ctx.response());
  }
}

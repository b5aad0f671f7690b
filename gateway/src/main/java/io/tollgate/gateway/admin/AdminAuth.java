package io.tollgate.gateway.admin;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Lets a request through only with {@code Authorization: Bearer <admin token>}. Compares SHA-256
 * digests with {@link MessageDigest#isEqual}, so neither the token's content nor its length
 * shows in the response time.
 */
final class AdminAuth implements Handler<RoutingContext> {

  private static final String BEARER = "Bearer ";

  private final byte[] expectedDigest;

  AdminAuth(String adminToken) {
    this.expectedDigest = sha256(adminToken);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null || header.isBlank()) {
      refuse(ctx, "missing admin token: send Authorization: Bearer <admin token>");
    } else if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      refuse(ctx, "the Authorization header must be: Bearer <admin token>");
    } else if (!MessageDigest.isEqual(expectedDigest, sha256(header.substring(BEARER.length()).trim()))) {
      refuse(ctx, "invalid admin token");
    } else {
      ctx.next();
    }
  }

  private static void refuse(RoutingContext ctx, String message) {
    ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"tollgate-admin\"");
    AdminErrors.send(ctx, 401, message, AdminErrors.AUTHENTICATION, "invalid_admin_token");
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
    }
  }
}

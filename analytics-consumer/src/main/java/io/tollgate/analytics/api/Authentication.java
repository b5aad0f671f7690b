package io.tollgate.analytics.api;

import io.tollgate.analytics.identity.Access;
import io.tollgate.analytics.identity.ControlPlaneIdentities;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Who calls /v1: the shared {@code api.token} (machine to machine, e.g. the control plane's usage
 * proxy; every org), compared in constant time, or else a control-plane identity, looked up there
 * when {@code api.controlPlaneUrl} is set (ADR 0013). The caller's {@link Access} waits in the
 * routing context for the endpoint, which scopes its query to it.
 */
final class Authentication implements Handler<RoutingContext> {

  private static final Logger LOG = Logger.getLogger(Authentication.class.getName());
  private static final String ACCESS = "tollgate.analytics.access";

  private final byte[] machine;
  /** Null: only the machine token is accepted. */
  private final ControlPlaneIdentities identities;

  Authentication(String token, ControlPlaneIdentities identities) {
    this.machine = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    this.identities = identities;
  }

  static Access of(RoutingContext ctx) {
    return ctx.get(ACCESS);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null || !header.startsWith("Bearer ")) {
      refuse(ctx, "missing_token", "Authorization: Bearer <token> is required");
      return;
    }
    if (MessageDigest.isEqual(machine, header.getBytes(StandardCharsets.UTF_8))) {
      ctx.put(ACCESS, Access.MACHINE);
      ctx.next();
      return;
    }
    if (identities == null) {
      refuse(ctx, "invalid_token", "the bearer token is not valid");
      return;
    }
    ctx.request().pause();
    identities.lookUp(header).onComplete(looked -> {
      ctx.request().resume();
      if (looked.succeeded()) {
        ctx.put(ACCESS, looked.result());
        ctx.next();
      } else if (looked.cause() instanceof ControlPlaneIdentities.Refused refused) {
        refuse(ctx, "invalid_token", refused.getMessage());
      } else {
        LOG.log(Level.WARNING, "analytics API: " + looked.cause().getMessage());
        new ApiError(503, "identity_unavailable", "the caller could not be identified: the control plane did not "
            + "answer; retry, or use the analytics token").send(ctx.response());
      }
    });
  }

  private static void refuse(RoutingContext ctx, String code, String message) {
    ctx.response().putHeader("www-authenticate", "Bearer realm=\"tollgate-analytics\"");
    new ApiError(401, code, message).send(ctx.response());
  }
}

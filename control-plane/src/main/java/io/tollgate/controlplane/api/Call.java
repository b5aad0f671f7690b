package io.tollgate.controlplane.api;

import io.tollgate.controlplane.audit.Audit;
import io.tollgate.controlplane.auth.Caller;
import io.tollgate.controlplane.auth.Role;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** One authenticated API call: who, which request id, the JSON body and path parameters. */
public record Call(Caller caller, String requestId, JsonObject body, RoutingContext context) {

  public String param(String name) {
    return context.pathParam(name);
  }

  public Fields fields() {
    return new Fields(body);
  }

  /**
   * Checks the caller may do {@code permission} in {@code org}. Outsiders get 404, not 403, so
   * they cannot even learn that the org exists.
   */
  public void require(String org, Role.Permission permission) {
    if (caller.platformAdmin()) {
      return;
    }
    Role role = caller.roleIn(org);
    if (role == null) {
      throw ApiError.notFound("org " + org);
    }
    if (!role.may(permission)) {
      throw ApiError.forbidden("role " + role.wire() + " may not " + permission.name().toLowerCase());
    }
  }

  /**
   * Nobody hands out more than they hold: the role given (or taken away) in {@code org} must have no
   * power the caller's own role lacks. An admin may not make an owner (who may delete the org), nor
   * change or remove one. Platform admins may grant any role.
   */
  public void requireMayGrant(String org, Role granted) {
    if (caller.platformAdmin() || granted == null) {
      return;
    }
    Role own = caller.roleIn(org);
    if (own == null) {
      throw ApiError.notFound("org " + org);
    }
    if (!own.covers(granted)) {
      throw ApiError.forbidden("role " + own.wire() + " may not grant or change role " + granted.wire()
          + ": it can do what " + own.wire() + " cannot");
    }
  }

  public void requirePlatformAdmin() {
    if (!caller.platformAdmin()) {
      throw ApiError.forbidden("only a platform admin may do this");
    }
  }

  /**
   * Config snapshots hold every org's budgets, limits and backend URLs: platform admins and config
   * readers (the gateways) only. 403, not 404: the route is the platform's, not an org's.
   */
  public void requireConfigReader() {
    if (!caller.mayReadConfig()) {
      throw ApiError.forbidden("only a platform admin or a config reader may read config snapshots");
    }
  }

  public Audit.Entry audit(String action, String target, JsonObject before, JsonObject after) {
    return new Audit.Entry(caller.actor(), action, target, before, after, requestId);
  }
}

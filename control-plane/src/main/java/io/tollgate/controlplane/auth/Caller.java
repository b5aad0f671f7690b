package io.tollgate.controlplane.auth;

import java.util.Map;

/**
 * Who is calling: a user (or the bootstrap token) with their roles per org. Platform admins manage
 * the shared catalogue (models, backends, routes, policies), orgs and users, and may act in any org.
 */
public record Caller(String actor, boolean platformAdmin, Map<String, Role> roles) {

  public Role roleIn(String org) {
    return roles.get(org);
  }
}

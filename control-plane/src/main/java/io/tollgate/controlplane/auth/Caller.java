package io.tollgate.controlplane.auth;

import java.util.Map;

/**
 * Who is calling: a user (or the bootstrap token) with their roles per org. Platform admins manage
 * the shared catalogue (models, backends, routes, policies), orgs and users, and may act in any org.
 * A config reader (the gateways' identity) may read config snapshots, which hold every org's
 * budgets, limits and backend URLs, and nothing else beyond its roles.
 */
public record Caller(String actor, boolean platformAdmin, boolean configReader, Map<String, Role> roles) {

  public Caller(String actor, boolean platformAdmin, Map<String, Role> roles) {
    this(actor, platformAdmin, false, roles);
  }

  /** How a service account is named as an actor (in the audit log too): service_account:ORG/NAME. */
  public static final String SERVICE_ACCOUNT = "service_account:";

  public static String serviceAccount(String org, String name) {
    return SERVICE_ACCOUNT + org + "/" + name;
  }

  /** A service account, not a user. */
  public boolean isServiceAccount() {
    return actor.startsWith(SERVICE_ACCOUNT);
  }

  public boolean mayReadConfig() {
    return platformAdmin || configReader;
  }

  public Role roleIn(String org) {
    return roles.get(org);
  }
}

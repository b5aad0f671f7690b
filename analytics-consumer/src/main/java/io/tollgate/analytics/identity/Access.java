package io.tollgate.analytics.identity;

import java.util.List;
import java.util.Set;

/**
 * Whose usage a caller may read: every org (the machine token, a platform admin) or those listed.
 *
 * @param actor   who, for the logs: {@code machine} for the shared token, else the control plane's actor
 * @param allOrgs every org
 * @param orgs    the orgs readable when not {@code allOrgs}
 */
public record Access(String actor, boolean allOrgs, Set<String> orgs) {

  public static final Access MACHINE = new Access("machine", true, Set.of());

  public Access {
    orgs = Set.copyOf(orgs);
  }

  public boolean mayRead(String org) {
    return allOrgs || orgs.contains(org);
  }

  /** The orgs a query across orgs is limited to, sorted; null: no limit. */
  public List<String> scope() {
    return allOrgs ? null : orgs.stream().sorted().toList();
  }
}

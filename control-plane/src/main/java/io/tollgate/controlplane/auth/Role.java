package io.tollgate.controlplane.auth;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** A user's role in one org, and what it may do there (the role table of docs/control-plane.md). */
public enum Role {
  OWNER(EnumSet.allOf(Permission.class)),
  ADMIN(EnumSet.complementOf(EnumSet.of(Permission.ORG_DELETE))),
  MEMBER(EnumSet.of(Permission.ORG_READ, Permission.MEMBERS_READ, Permission.KEYS_READ, Permission.KEYS_WRITE,
      Permission.SPEND_READ)),
  VIEWER(EnumSet.of(Permission.ORG_READ, Permission.MEMBERS_READ, Permission.KEYS_READ, Permission.SPEND_READ,
      Permission.AUDIT_READ)),
  // Billing manages money, never credentials: spend and budgets, no keys, no members.
  BILLING(EnumSet.of(Permission.ORG_READ, Permission.SPEND_READ, Permission.BUDGET_WRITE));

  private final Set<Permission> permissions;

  Role(Set<Permission> permissions) {
    this.permissions = permissions;
  }

  public boolean may(Permission permission) {
    return permissions.contains(permission);
  }

  /** Whether this role may do everything {@code other} may (who may grant {@code other}). */
  public boolean covers(Role other) {
    return permissions.containsAll(other.permissions);
  }

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Role fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }

  /** What can be done inside an org. */
  public enum Permission {
    ORG_READ, ORG_WRITE, ORG_DELETE, MEMBERS_READ, MEMBERS_WRITE, KEYS_READ, KEYS_WRITE, SPEND_READ,
    BUDGET_WRITE, AUDIT_READ
  }
}

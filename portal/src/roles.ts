// What a role may do in an org, as the control plane's Role enum (docs/control-plane.md's table).
// The portal offers only what the caller may do; the API refuses the rest anyway.
import type { Me, Role } from "./api/client";

export type Permission =
  | "ORG_READ" | "ORG_WRITE" | "ORG_DELETE" | "MEMBERS_READ" | "MEMBERS_WRITE" | "KEYS_READ" | "KEYS_WRITE"
  | "SPEND_READ" | "BUDGET_WRITE" | "AUDIT_READ";

const ALL: Permission[] = ["ORG_READ", "ORG_WRITE", "ORG_DELETE", "MEMBERS_READ", "MEMBERS_WRITE", "KEYS_READ",
  "KEYS_WRITE", "SPEND_READ", "BUDGET_WRITE", "AUDIT_READ"];

const BY_ROLE: Record<Role, Permission[]> = {
  owner: ALL,
  admin: ALL.filter((p) => p !== "ORG_DELETE"),
  member: ["ORG_READ", "MEMBERS_READ", "KEYS_READ", "KEYS_WRITE", "SPEND_READ"],
  viewer: ["ORG_READ", "MEMBERS_READ", "KEYS_READ", "SPEND_READ", "AUDIT_READ"],
  billing: ["ORG_READ", "SPEND_READ", "BUDGET_WRITE"],
};

/** Whether the signed-in user may do {@code permission} in {@code org} (platform admins may do all). */
export function may(me: Me, org: string, permission: Permission): boolean {
  if (me.platformAdmin) return true;
  const role = me.roles[org];
  return role !== undefined && BY_ROLE[role].includes(permission);
}

/**
 * Whether the signed-in user may give {@code granted} in {@code org} (or change or remove someone who
 * has it): nobody hands out a power their own role lacks, so an admin makes no owner (as the API's
 * Call.requireMayGrant). Platform admins may grant any role.
 */
export function mayGrant(me: Me, org: string, granted: Role): boolean {
  if (me.platformAdmin) return true;
  const role = me.roles[org];
  return role !== undefined && BY_ROLE[granted].every((p) => BY_ROLE[role].includes(p));
}

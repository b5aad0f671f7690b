import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { may, type Permission } from "./roles";
import type { Me } from "./api/client";

const ROLE_JAVA = "../control-plane/src/main/java/io/tollgate/controlplane/auth/Role.java";

describe("may", () => {
  const me = (role: Me["roles"][string]): Me => ({ actor: "a@example.com", platformAdmin: false, roles: { acme: role } });

  it("lets members create keys but not change budgets or members", () => {
    expect(may(me("member"), "acme", "KEYS_WRITE")).toBe(true);
    expect(may(me("member"), "acme", "BUDGET_WRITE")).toBe(false);
    expect(may(me("member"), "acme", "MEMBERS_WRITE")).toBe(false);
  });

  it("gives billing money, never credentials", () => {
    expect(may(me("billing"), "acme", "BUDGET_WRITE")).toBe(true);
    expect(may(me("billing"), "acme", "KEYS_READ")).toBe(false);
  });

  it("gives nothing in an org the user is not in, and everything to platform admins", () => {
    expect(may(me("owner"), "other", "ORG_READ")).toBe(false);
    expect(may({ actor: "root", platformAdmin: true, roles: {} }, "other", "ORG_DELETE")).toBe(true);
  });

  // The portal's table is a copy of the control plane's: this fails when they drift apart.
  it("agrees with the control plane's Role enum", () => {
    const source = readFileSync(ROLE_JAVA, "utf8");
    const all = source.match(/enum Permission \{([^}]*)\}/)![1].split(",").map((p) => p.trim()) as Permission[];
    const roles = ["OWNER", "ADMIN", "MEMBER", "VIEWER", "BILLING"];
    for (const role of roles) {
      const declaration = source.match(new RegExp(`${role}\\((EnumSet[^;]*?)\\)(,|;)\\s*\\n`))![1];
      let allowed: Permission[];
      if (declaration.startsWith("EnumSet.allOf")) allowed = all;
      else if (declaration.startsWith("EnumSet.complementOf")) {
        const excluded = [...declaration.matchAll(/Permission\.(\w+)/g)].map((m) => m[1]);
        allowed = all.filter((p) => !excluded.includes(p));
      } else allowed = [...declaration.matchAll(/Permission\.(\w+)/g)].map((m) => m[1] as Permission);
      for (const permission of all) {
        expect(may(me(role.toLowerCase() as Me["roles"][string]), "acme", permission), `${role} ${permission}`)
          .toBe(allowed.includes(permission));
      }
    }
  });
});

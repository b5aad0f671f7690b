import { useState, type FormEvent } from "react";
import { api, ApiProblem, type Membership, type Role } from "../api/client";
import { may, mayGrant } from "../roles";
import { Invites } from "./Invites";
import { useMe } from "../session";
import { useApi } from "../useApi";
import { button, Card, dangerButton, input, Loading, Problem, quietButton, DataTable } from "../components/ui";

export interface Member {
  email: string;
  role: Role;
}

export const ROLES: Role[] = ["owner", "admin", "member", "viewer", "billing"];

export const DESCRIPTIONS: Record<Role, string> = {
  owner: "everything, deleting the org included",
  admin: "everything but deleting the org",
  member: "keys (their own and others'), usage and spend",
  viewer: "reads keys, usage, spend and the audit log",
  billing: "spend and the budget",
};

function problemOf(e: unknown): string {
  return e instanceof ApiProblem ? [e.message, ...e.fields.map((f) => `${f.path}: ${f.reason}`)].join(" — ") : String(e);
}

/** The org's members and their roles; adding, changing a role and removing for roles that may. */
export function Members({ org }: { org: string }) {
  const me = useMe();
  const path = `/api/v1/orgs/${encodeURIComponent(org)}/members`;
  const [members, reload] = useApi<Member[]>(path);
  const canWrite = may(me, org, "MEMBERS_WRITE");
  return (
    <div className="space-y-4">
      {canWrite && <AddMember path={path} roles={ROLES.filter((r) => mayGrant(me, org, r))} onAdded={reload} />}
      <Card title="Members">
        {members.status === "loading" && <Loading what="members" />}
        {members.status === "failed" && <Problem message={members.message} />}
        {members.status === "loaded" && members.data.length === 0 && <p className="text-slate-700">No members yet.</p>}
        {members.status === "loaded" && members.data.length > 0 && (
          <MemberTable members={members.data} path={path} canWrite={canWrite} self={me.actor} onChanged={reload}
            grantable={ROLES.filter((r) => mayGrant(me, org, r))} />
        )}
      </Card>
      <Invites org={org} />
    </div>
  );
}

/** A choice among {@code roles}: those the signed-in user may give in the org (an admin makes no owner). */
function RoleSelect({ id, value, onChange, label, roles }:
  { id: string; value: Role; onChange: (role: Role) => void; label?: string; roles: Role[] }) {
  return (
    <select id={id} aria-label={label} className={input} value={value} onChange={(e) => onChange(e.target.value as Role)}>
      {roles.map((role) => <option key={role} value={role}>{role}</option>)}
    </select>
  );
}

function AddMember({ path, roles, onAdded }: { path: string; roles: Role[]; onAdded: () => void }) {
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("member");
  const [problem, setProblem] = useState<string>();
  const [done, setDone] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    setDone(undefined);
    try {
      const body: Membership = { role };
      await api("PUT", `${path}/${encodeURIComponent(email.trim())}`, body);
      setDone(`${email.trim()} is now ${role === "admin" ? "an" : "a"} ${role}.`);
      setEmail("");
      onAdded();
    } catch (e) {
      setProblem(problemOf(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card title="Add a member">
      <form onSubmit={submit} className="grid gap-3 sm:grid-cols-[2fr_1fr_auto] sm:items-end">
        <div>
          <label htmlFor="member-email" className="mb-1 block text-sm font-medium">Email</label>
          <input id="member-email" type="email" required className={input} value={email}
            onChange={(e) => setEmail(e.target.value)} aria-describedby="member-email-help" />
          <p id="member-email-help" className="mt-1 text-xs text-slate-600">A user of this Tollgate (a platform admin creates users)</p>
        </div>
        <div>
          <label htmlFor="member-role" className="mb-1 block text-sm font-medium">Role</label>
          <RoleSelect id="member-role" value={role} onChange={setRole} roles={roles} />
          <p className="mt-1 text-xs text-slate-600">{DESCRIPTIONS[role]}</p>
        </div>
        <button type="submit" className={button + " sm:mb-5"} disabled={busy}>{busy ? "Adding…" : "Add member"}</button>
      </form>
      {problem && <div className="mt-3"><Problem message={problem} /></div>}
      {done && <p role="status" className="mt-3 text-sm text-green-800">{done}</p>}
    </Card>
  );
}

function MemberTable({ members, path, canWrite, self, onChanged, grantable }:
  { members: Member[]; path: string; canWrite: boolean; self: string; onChanged: () => void; grantable: Role[] }) {
  const [roles, setRoles] = useState<Record<string, Role>>({});
  const [removing, setRemoving] = useState<string | null>(null);
  const [problem, setProblem] = useState<string>();

  async function change(method: "PUT" | "DELETE", email: string, body?: Membership) {
    setProblem(undefined);
    try {
      await api(method, `${path}/${encodeURIComponent(email)}`, body);
      setRemoving(null);
      setRoles(({ [email]: _, ...rest }) => rest);
      onChanged();
    } catch (e) {
      setProblem(problemOf(e));
    }
  }

  return (
    <>
      {problem && <Problem message={problem} />}
      <DataTable label="Members table" headings={["Email", "Role", canWrite && <span className="sr-only">Actions</span>]}>
        {members.map((m) => {
          const chosen = roles[m.email] ?? m.role;
          // Someone whose role has powers the user's lacks (an owner, for an admin) is not theirs to change.
          const changeable = canWrite && grantable.includes(m.role);
          return (
            <tr key={m.email} className="border-t border-slate-200">
              <td className="px-3 py-2 font-medium">{m.email}{m.email === self && " (you)"}</td>
              <td className="px-3 py-2">
                {changeable
                  ? <RoleSelect id={`role-${m.email}`} label={`Role of ${m.email}`} value={chosen} roles={grantable}
                      onChange={(role) => setRoles((r) => ({ ...r, [m.email]: role }))} />
                  : m.role}
              </td>
              {canWrite && !changeable && <td className="px-3 py-2" />}
              {changeable && (
                <td className="px-3 py-2 text-right">
                  <span className="inline-flex flex-wrap justify-end gap-2">
                    {chosen !== m.role && (
                      <button type="button" className={button} onClick={() => void change("PUT", m.email, { role: chosen })}>
                        Save role<span className="sr-only"> of {m.email}</span>
                      </button>
                    )}
                    {removing !== m.email && (
                      <button type="button" className={quietButton} onClick={() => setRemoving(m.email)}>
                        Remove<span className="sr-only"> {m.email}</span>
                      </button>
                    )}
                    {removing === m.email && (
                      <>
                        <button type="button" className={dangerButton} onClick={() => void change("DELETE", m.email)}>
                          Remove {m.email} now
                        </button>
                        <button type="button" className={quietButton} onClick={() => setRemoving(null)}>Cancel</button>
                      </>
                    )}
                  </span>
                </td>
              )}
            </tr>
          );
        })}
      </DataTable>
    </>
  );
}

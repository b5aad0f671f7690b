import { useState, type FormEvent } from "react";
import { ApiProblem, type Role } from "../api/client";
import { expiresIn, invites, type Invitation } from "../api/invites";
import { may, mayGrant } from "../roles";
import { useMe } from "../session";
import { useApi } from "../useApi";
import { button, Card, dangerButton, input, Loading, Problem, quietButton, DataTable } from "../components/ui";
import { DESCRIPTIONS, ROLES } from "./Members";

function problemOf(e: unknown): string {
  return e instanceof ApiProblem ? [e.message, ...e.fields.map((f) => `${f.path}: ${f.reason}`)].join(" — ") : String(e);
}

/**
 * Invitations of people who have no user yet: owners and admins invite by email with a role they
 * may give; whoever reads members sees the pending ones; owners and admins revoke them.
 */
export function Invites({ org, now = () => new Date() }: { org: string; now?: () => Date }) {
  const me = useMe();
  const [pending, reload] = useApi<Invitation[]>(`/api/v1/orgs/${encodeURIComponent(org)}/invites`);
  const canWrite = may(me, org, "MEMBERS_WRITE");
  return (
    <>
      {canWrite && <InviteForm org={org} onInvited={reload} />}
      <Card title="Pending invitations">
        {pending.status === "loading" && <Loading what="invitations" />}
        {pending.status === "failed" && <Problem message={pending.message} />}
        {pending.status === "loaded" && pending.data.length === 0 && (
          <p className="text-slate-700">No pending invitations.</p>
        )}
        {pending.status === "loaded" && pending.data.length > 0 && (
          <PendingTable org={org} invitations={pending.data} canWrite={canWrite} now={now()} onChanged={reload} />
        )}
      </Card>
    </>
  );
}

function InviteForm({ org, onInvited }: { org: string; onInvited: () => void }) {
  const me = useMe();
  const grantable = ROLES.filter((role) => mayGrant(me, org, role));
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
      const invited = await invites.create(org, { email: email.trim(), role });
      setDone(`Invitation sent to ${invited.email}: the link in it works once, for 7 days.`);
      setEmail("");
      onInvited();
    } catch (e) {
      setProblem(problemOf(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card title="Invite someone new">
      <form onSubmit={submit} className="grid gap-3 sm:grid-cols-[2fr_1fr_auto] sm:items-end">
        <div>
          <label htmlFor="invite-email" className="mb-1 block text-sm font-medium">Invitee's email</label>
          <input id="invite-email" type="email" required className={input} value={email}
            onChange={(e) => setEmail(e.target.value)} aria-describedby="invite-email-help" />
          <p id="invite-email-help" className="mt-1 text-xs text-slate-600">
            Someone without a user here: they get an email with a link to choose a password and join
          </p>
        </div>
        <div>
          <label htmlFor="invite-role" className="mb-1 block text-sm font-medium">Invited role</label>
          <select id="invite-role" className={input} value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {grantable.map((r) => <option key={r} value={r}>{r}</option>)}
          </select>
          <p className="mt-1 text-xs text-slate-600">{DESCRIPTIONS[role]}</p>
        </div>
        <button type="submit" className={button + " sm:mb-5"} disabled={busy}>{busy ? "Sending…" : "Send invitation"}</button>
      </form>
      {problem && <div className="mt-3"><Problem message={problem} /></div>}
      {done && <p role="status" className="mt-3 text-sm text-green-800">{done}</p>}
    </Card>
  );
}

function PendingTable({ org, invitations, canWrite, now, onChanged }:
  { org: string; invitations: Invitation[]; canWrite: boolean; now: Date; onChanged: () => void }) {
  const me = useMe();
  const [revoking, setRevoking] = useState<string | null>(null);
  const [problem, setProblem] = useState<string>();

  async function revoke(email: string) {
    setProblem(undefined);
    try {
      await invites.revoke(org, email);
      setRevoking(null);
      onChanged();
    } catch (e) {
      setProblem(problemOf(e));
    }
  }

  return (
    <>
      {problem && <Problem message={problem} />}
      <DataTable label="Pending invitations table" headings={["Email", "Role", "Invited by", "Link works", canWrite && <span className="sr-only">Actions</span>]}>
        {invitations.map((invite) => (
          <tr key={invite.email} className="border-t border-slate-200">
            <td className="px-3 py-2 font-medium">{invite.email}</td>
            <td className="px-3 py-2">{invite.role}</td>
            <td className="px-3 py-2">{invite.invitedBy}</td>
            <td className="px-3 py-2">
              {invite.expired ? "expired: invite again for a new link" : `until ${invite.expiresAt.substring(0, 16).replace("T", " ")} UTC (${expiresIn(invite.expiresAt, now)})`}
            </td>
            {canWrite && (
              <td className="px-3 py-2 text-right">
                {mayGrant(me, org, invite.role) && revoking !== invite.email && (
                  <button type="button" className={quietButton} onClick={() => setRevoking(invite.email)}>
                    Revoke<span className="sr-only"> the invitation of {invite.email}</span>
                  </button>
                )}
                {revoking === invite.email && (
                  <span className="inline-flex flex-wrap justify-end gap-2">
                    <button type="button" className={dangerButton} onClick={() => void revoke(invite.email)}>
                      Revoke {invite.email}'s invitation now
                    </button>
                    <button type="button" className={quietButton} onClick={() => setRevoking(null)}>Cancel</button>
                  </span>
                )}
              </td>
            )}
          </tr>
        ))}
      </DataTable>
    </>
  );
}

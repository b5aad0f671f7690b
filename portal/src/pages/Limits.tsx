import { useState, type FormEvent } from "react";
import { api, ApiProblem } from "../api/client";
import type { Key, Org } from "../api/types";
import { effectiveLimit, LIMIT_FIELDS, limitText, sourceText, type Policy } from "../limits";
import { may } from "../roles";
import { useMe } from "../session";
import { useApi } from "../useApi";
import { button, Card, input, Loading, Problem, DataTable } from "../components/ui";

/**
 * The org's limit policies: the policy that limits the org as a whole, the platform's default every
 * key falls back to, and each key's limits with where they come from. Owners and admins choose the
 * org's policy among the platform's (platform admins write the policies themselves).
 */
export function Limits({ org }: { org: string }) {
  const me = useMe();
  const orgPath = `/api/v1/orgs/${encodeURIComponent(org)}`;
  const [orgState, reloadOrg] = useApi<Org>(orgPath);
  const [policies] = useApi<Policy[]>("/api/v1/policies");
  const canChoose = may(me, org, "ORG_WRITE");
  const loading = orgState.status === "loading" || policies.status === "loading";
  const failed = orgState.status === "failed" ? orgState.message : policies.status === "failed" ? policies.message : undefined;
  return (
    <div className="space-y-4">
      <Card title="The organisation's limits">
        {loading && !failed && <Loading what="limit policies" />}
        {failed && <Problem message={failed} />}
        {orgState.status === "loaded" && policies.status === "loaded" && (
          <OrgPolicy org={orgState.data} policies={policies.data} />
        )}
      </Card>
      {canChoose && orgState.status === "loaded" && policies.status === "loaded" && (
        <ChoosePolicy path={orgPath} org={orgState.data} policies={policies.data} onChanged={reloadOrg} />
      )}
      {may(me, org, "KEYS_READ") && policies.status === "loaded" && <KeyLimits org={org} policies={policies.data} />}
    </div>
  );
}

function PolicyLimits({ policy, caption }: { policy: Policy | undefined; caption: string }) {
  return (
    <dl className="grid gap-2 sm:grid-cols-3" aria-label={caption}>
      {LIMIT_FIELDS.map(({ field, label }) => (
        <div key={field} className="rounded border border-slate-200 p-2">
          <dt className="text-xs text-slate-600">{label}</dt>
          <dd className="text-lg font-semibold">{limitText(policy?.limits[field])}</dd>
        </div>
      ))}
    </dl>
  );
}

function OrgPolicy({ org, policies }: { org: Org; policies: Policy[] }) {
  const own = org.policy ? policies.find((p) => p.name === org.policy) : undefined;
  const fallback = policies.find((p) => p.name === "default");
  return (
    <div className="space-y-4 text-sm">
      <div className="space-y-2">
        <h3 className="font-medium">
          {org.policy ? <>All keys together: policy <code>{org.policy}</code></> : "All keys together: no policy"}
        </h3>
        {org.policy
          ? <PolicyLimits policy={own} caption={`Policy ${org.policy}`} />
          : <p className="text-slate-700">The organisation as a whole has no limit of its own; each key has its own.</p>}
      </div>
      <div className="space-y-2">
        <h3 className="font-medium">Each key, unless it sets its own or names a policy: the platform's default</h3>
        {fallback
          ? <PolicyLimits policy={fallback} caption="The default policy" />
          : <p className="text-slate-700">The platform has no default policy: a key without limits of its own is not limited.</p>}
      </div>
    </div>
  );
}

function ChoosePolicy({ path, org, policies, onChanged }:
  { path: string; org: Org; policies: Policy[]; onChanged: () => void }) {
  const [choice, setChoice] = useState(org.policy ?? "");
  const [problem, setProblem] = useState<string>();
  const [done, setDone] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    setDone(undefined);
    try {
      // With the version read: a change someone made meanwhile is refused (409), not overwritten.
      await api("PATCH", path, { policy: choice === "" ? null : choice, version: org.version });
      setDone(choice === "" ? "The organisation now has no policy of its own." : `The organisation now follows policy ${choice}.`);
      onChanged();
    } catch (e) {
      setProblem(e instanceof ApiProblem && e.status === 409
        ? "Someone changed the organisation meanwhile: reload the page and choose again."
        : e instanceof ApiProblem ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card title="Choose the organisation's policy">
      <form onSubmit={submit} className="grid gap-3 sm:grid-cols-[2fr_auto] sm:items-end">
        <div>
          <label htmlFor="org-policy" className="mb-1 block text-sm font-medium">Policy for all keys together</label>
          <select id="org-policy" className={input} value={choice} onChange={(e) => setChoice(e.target.value)}
            aria-describedby="org-policy-help">
            <option value="">none</option>
            {policies.map((p) => (
              <option key={p.name} value={p.name}>
                {p.name}: {LIMIT_FIELDS.map(({ field }) => limitText(p.limits[field])).join(" / ")}
              </option>
            ))}
          </select>
          <p id="org-policy-help" className="mt-1 text-xs text-slate-600">
            Requests / tokens per minute / concurrent streams. Platform admins define the policies.
          </p>
        </div>
        <button type="submit" className={button + " sm:mb-5"} disabled={busy || choice === (org.policy ?? "")}>
          {busy ? "Saving…" : "Save policy"}
        </button>
      </form>
      {problem && <div className="mt-3"><Problem message={problem} /></div>}
      {done && <p role="status" className="mt-3 text-sm text-green-800">{done}</p>}
    </Card>
  );
}

function KeyLimits({ org, policies }: { org: string; policies: Policy[] }) {
  const [keys] = useApi<Key[]>(`/api/v1/orgs/${encodeURIComponent(org)}/keys`);
  const live = keys.status === "loaded" ? keys.data.filter((k) => !k.revoked) : [];
  return (
    <Card title="Each key's limits">
      {keys.status === "loading" && <Loading what="keys" />}
      {keys.status === "failed" && <Problem message={keys.message} />}
      {keys.status === "loaded" && live.length === 0 && <p className="text-slate-700">No keys yet.</p>}
      {live.length > 0 && (
        <DataTable label="Key limits table" headings={["Key", ...LIMIT_FIELDS.map(({ label }) => label)]}>
          {live.map((key) => (
            <tr key={key.id} className="border-t border-slate-200">
              <td className="px-3 py-2 font-medium">{key.id}</td>
              {LIMIT_FIELDS.map(({ field }) => {
                const effective = effectiveLimit(key, field, policies);
                return (
                  <td key={field} className="px-3 py-2">
                    {limitText(effective.value)} <span className="text-xs text-slate-600">({sourceText(effective)})</span>
                  </td>
                );
              })}
            </tr>
          ))}
        </DataTable>
      )}
    </Card>
  );
}

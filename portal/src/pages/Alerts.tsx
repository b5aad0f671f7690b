import { useState, type FormEvent } from "react";
import { api, ApiProblem } from "../api/client";
import { deliveryText, describe, periodText, targetField, when, type AlertPage, type Channel } from "../alerts";
import { may } from "../roles";
import { useMe } from "../session";
import { useApi } from "../useApi";
import { button, Card, dangerButton, input, Loading, Problem, quietButton, DataTable } from "../components/ui";

const PAGE = 20;
const TYPES: { type: Channel["type"]; label: string; hint: string }[] = [
  { type: "slack", label: "Slack", hint: "A Slack incoming webhook URL (https://hooks.slack.com/…)" },
  { type: "teams", label: "Microsoft Teams", hint: "A Teams incoming webhook URL" },
  { type: "webhook", label: "Signed webhook", hint: "Any URL: JSON signed with HMAC-SHA256 (the secret is shown once)" },
  { type: "email", label: "Email", hint: "An address, sent through the control plane's SMTP server" },
];

function problemOf(e: unknown): string {
  return e instanceof ApiProblem ? [e.message, ...e.fields.map((f) => `${f.path}: ${f.reason}`)].join(" — ") : String(e);
}

/**
 * The org's budget alerts (#19): the history, newest first, with how each channel's delivery went;
 * and its channels, which those who set budgets add, test and remove.
 */
export function Alerts({ org }: { org: string }) {
  const me = useMe();
  const base = `/api/v1/orgs/${encodeURIComponent(org)}/alerts`;
  const [channels, reloadChannels] = useApi<Channel[]>(`${base}/channels`);
  const canManage = may(me, org, "BUDGET_WRITE");
  return (
    <div className="space-y-4">
      <History base={base} />
      <Card title="Channels">
        {channels.status === "loading" && <Loading what="alert channels" />}
        {channels.status === "failed" && <Problem message={channels.message} />}
        {channels.status === "loaded" && channels.data.length === 0 && (
          <p className="text-slate-700">No channels: alerts are recorded here but sent nowhere.</p>
        )}
        {channels.status === "loaded" && channels.data.length > 0 && (
          <ChannelTable base={base} channels={channels.data} canManage={canManage} onChanged={reloadChannels} />
        )}
      </Card>
      {canManage && <AddChannel base={base} onAdded={reloadChannels} />}
    </div>
  );
}

function History({ base }: { base: string }) {
  // The pages read so far, as the API's "before" cursors: [] is the newest page.
  const [cursors, setCursors] = useState<number[]>([]);
  const before = cursors.length ? cursors[cursors.length - 1] : undefined;
  const [page] = useApi<AlertPage>(`${base}?limit=${PAGE}${before === undefined ? "" : `&before=${before}`}`);
  return (
    <Card title="Alert history">
      {page.status === "loading" && <Loading what="alerts" />}
      {page.status === "failed" && <Problem message={page.message} />}
      {page.status === "loaded" && page.data.alerts.length === 0 && (
        <p className="text-slate-700">
          {cursors.length ? "No older alerts." : "No alerts yet: one is sent when a budget passes a threshold (50, 80 and 100 % unless set otherwise) or is forecast to run out."}
        </p>
      )}
      {page.status === "loaded" && page.data.alerts.length > 0 && (
        <ol className="space-y-3" aria-label="Alerts, newest first">
          {page.data.alerts.map((alert) => (
            <li key={alert.id} className="rounded border border-slate-200 p-3 text-sm">
              <p className="font-medium">{describe(alert)}</p>
              <p className="text-xs text-slate-600">
                {when(alert.at)} · {alert.kind === "forecast" ? "forecast" : `threshold ${alert.thresholdPercent} %`} · {periodText(alert.period)}
              </p>
              {alert.deliveries.length === 0
                ? <p className="mt-1 text-slate-700">Sent nowhere: the organisation had no channel.</p>
                : (
                  <ul className="mt-1 space-y-0.5" aria-label={`Deliveries of alert ${alert.id}`}>
                    {alert.deliveries.map((d) => (
                      <li key={d.channel} className={d.status === "failed" ? "text-red-800" : "text-slate-800"}>
                        <span className="font-medium">{d.channel}</span>: {deliveryText(d)}
                      </li>
                    ))}
                  </ul>
                )}
            </li>
          ))}
        </ol>
      )}
      <div className="mt-3 flex gap-2">
        {cursors.length > 0 && (
          <button type="button" className={quietButton} onClick={() => setCursors((c) => c.slice(0, -1))}>Newer</button>
        )}
        {page.status === "loaded" && page.data.next !== null && (
          <button type="button" className={quietButton} onClick={() => setCursors((c) => [...c, page.data.next as number])}>
            Older
          </button>
        )}
      </div>
    </Card>
  );
}

function ChannelTable({ base, channels, canManage, onChanged }:
  { base: string; channels: Channel[]; canManage: boolean; onChanged: () => void }) {
  const [removing, setRemoving] = useState<string | null>(null);
  const [results, setResults] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string>();

  async function test(id: string) {
    setProblem(undefined);
    setResults((r) => ({ ...r, [id]: "Sending a test message…" }));
    try {
      const sent = await api<{ delivered: boolean; reason?: string }>("POST", `${base}/channels/${encodeURIComponent(id)}/test`);
      setResults((r) => ({ ...r, [id]: sent.delivered ? "Test message delivered." : `Test message not delivered: ${sent.reason}` }));
    } catch (e) {
      setResults((r) => ({ ...r, [id]: problemOf(e) }));
    }
  }

  async function remove(id: string) {
    setProblem(undefined);
    try {
      await api("DELETE", `${base}/channels/${encodeURIComponent(id)}`);
      setRemoving(null);
      onChanged();
    } catch (e) {
      setProblem(problemOf(e));
    }
  }

  return (
    <>
      {problem && <Problem message={problem} />}
      <DataTable label="Channels table" headings={["Channel", "Type", "Sends to", canManage && <span className="sr-only">Actions</span>]}>
        {channels.map((c) => (
          <tr key={c.id} className="border-t border-slate-200 align-top">
            <td className="px-3 py-2 font-medium">{c.id}</td>
            <td className="px-3 py-2">{c.type}{c.signed && " (signed)"}</td>
            <td className="px-3 py-2 break-all">
              {c.target}
              {results[c.id] && <p role="status" className="mt-1 text-xs text-slate-700">{results[c.id]}</p>}
            </td>
            {canManage && (
              <td className="px-3 py-2 text-right">
                <span className="inline-flex flex-wrap justify-end gap-2">
                  <button type="button" className={quietButton} onClick={() => void test(c.id)}>
                    Send a test<span className="sr-only"> to {c.id}</span>
                  </button>
                  {removing !== c.id && (
                    <button type="button" className={quietButton} onClick={() => setRemoving(c.id)}>
                      Remove<span className="sr-only"> channel {c.id}</span>
                    </button>
                  )}
                  {removing === c.id && (
                    <>
                      <button type="button" className={dangerButton} onClick={() => void remove(c.id)}>Remove {c.id} now</button>
                      <button type="button" className={quietButton} onClick={() => setRemoving(null)}>Cancel</button>
                    </>
                  )}
                </span>
              </td>
            )}
          </tr>
        ))}
      </DataTable>
    </>
  );
}

function AddChannel({ base, onAdded }: { base: string; onAdded: () => void }) {
  const [id, setId] = useState("");
  const [type, setType] = useState<Channel["type"]>("slack");
  const [target, setTarget] = useState("");
  const [problem, setProblem] = useState<string>();
  const [secret, setSecret] = useState<{ id: string; secret: string }>();
  const [done, setDone] = useState<string>();
  const [busy, setBusy] = useState(false);
  const chosen = TYPES.find((t) => t.type === type)!;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    setDone(undefined);
    setSecret(undefined);
    try {
      const created = await api<Channel & { secret?: string }>("POST", `${base}/channels`,
        { id: id.trim(), type, [targetField(type)]: target.trim() });
      if (created.secret) setSecret({ id: created.id, secret: created.secret });
      setDone(`Channel ${created.id} added.`);
      setId("");
      setTarget("");
      onAdded();
    } catch (e) {
      setProblem(problemOf(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card title="Add a channel">
      <form onSubmit={submit} className="grid gap-3 sm:grid-cols-2">
        <div>
          <label htmlFor="channel-id" className="mb-1 block text-sm font-medium">Name</label>
          <input id="channel-id" required className={input} value={id} onChange={(e) => setId(e.target.value)}
            aria-describedby="channel-id-help" />
          <p id="channel-id-help" className="mt-1 text-xs text-slate-600">Letters, digits, . _ - (e.g. finance-slack)</p>
        </div>
        <div>
          <label htmlFor="channel-type" className="mb-1 block text-sm font-medium">Type</label>
          <select id="channel-type" className={input} value={type} onChange={(e) => setType(e.target.value as Channel["type"])}>
            {TYPES.map((t) => <option key={t.type} value={t.type}>{t.label}</option>)}
          </select>
        </div>
        <div className="sm:col-span-2">
          <label htmlFor="channel-target" className="mb-1 block text-sm font-medium">
            {type === "email" ? "Email address" : "Webhook URL"}
          </label>
          <input id="channel-target" required type={type === "email" ? "email" : "url"} className={input} value={target}
            onChange={(e) => setTarget(e.target.value)} aria-describedby="channel-target-help" />
          <p id="channel-target-help" className="mt-1 text-xs text-slate-600">{chosen.hint}</p>
        </div>
        <div><button type="submit" className={button} disabled={busy}>{busy ? "Adding…" : "Add channel"}</button></div>
      </form>
      {problem && <div className="mt-3"><Problem message={problem} /></div>}
      {done && <p role="status" className="mt-3 text-sm text-green-800">{done}</p>}
      {secret && (
        <div className="mt-3 rounded border border-amber-300 bg-amber-50 p-3 text-sm">
          <p className="font-medium">The signing secret of {secret.id}, shown this once: give it to the receiver to check signatures.</p>
          <code className="break-all" aria-label="Signing secret">{secret.secret}</code>
        </div>
      )}
    </Card>
  );
}

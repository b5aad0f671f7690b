import { useState, type FormEvent } from "react";
import { api, ApiProblem, type KeyCreate, type LastUsed } from "../api/client";
import type { CreatedKey, Key } from "../api/types";
import { may } from "../roles";
import { useMe } from "../session";
import { useApi, type Loaded } from "../useApi";
import { lastUsedText, limitsText } from "../keys";
import { button, Card, dangerButton, input, Loading, Problem, quietButton, DataTable } from "../components/ui";
import { KeyEdit } from "./KeyEdit";
import { KeyRotate } from "./KeyRotate";

export function keyState(key: Key, now: Date): "active" | "revoked" | "expired" {
  if (key.revoked) return "revoked";
  if (key.expiresAt && new Date(key.expiresAt) <= now) return "expired";
  return "active";
}

/** The org's keys: list with their last use; create (the secret shown once), edit, rotate and revoke for roles that may. */
export function Keys({ org }: { org: string }) {
  const me = useMe();
  const path = `/api/v1/orgs/${encodeURIComponent(org)}/keys`;
  const [keys, reload] = useApi<Key[]>(path);
  const [lastUsed, reloadLastUsed] = useApi<LastUsed>(`/api/v1/orgs/${encodeURIComponent(org)}/usage/last-used`);
  const [created, setCreated] = useState<{ key: CreatedKey; rotated: boolean } | null>(null);
  const [editing, setEditing] = useState<Key | null>(null);
  const canWrite = may(me, org, "KEYS_WRITE");
  const changed = () => {
    reload();
    reloadLastUsed();
  };
  return (
    <div className="space-y-4">
      {canWrite && !editing && <CreateKey path={path} onCreated={(key) => { setCreated({ key, rotated: false }); changed(); }} />}
      {editing && (
        <KeyEdit key={editing.id} keyPath={`${path}/${encodeURIComponent(editing.id)}`} current={editing}
          onSaved={() => { setEditing(null); changed(); }} onCancel={() => setEditing(null)} />
      )}
      {created && <SecretOnce created={created.key} rotated={created.rotated} onDone={() => setCreated(null)} />}
      <Card title="Keys">
        {keys.status === "loading" && <Loading what="keys" />}
        {keys.status === "failed" && <Problem message={keys.message} />}
        {keys.status === "loaded" && keys.data.length === 0 && (
          <p className="text-slate-700">No keys yet.{canWrite ? " Create one above." : ""}</p>
        )}
        {keys.status === "loaded" && keys.data.length > 0 && (
          <KeyTable keys={keys.data} path={path} canWrite={canWrite} lastUsed={lastUsed} onChanged={changed}
            onEdit={(key) => { setCreated(null); setEditing(key); }}
            onRotated={(key) => { setCreated({ key, rotated: true }); changed(); }} />
        )}
      </Card>
    </div>
  );
}

function CreateKey({ path, onCreated }: { path: string; onCreated: (key: CreatedKey) => void }) {
  const [id, setId] = useState("");
  const [models, setModels] = useState("*");
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    const body: KeyCreate = { id: id.trim(), models: models.split(",").map((m) => m.trim()).filter(Boolean) };
    try {
      onCreated(await api<CreatedKey>("POST", path, body));
      setId("");
    } catch (e) {
      setProblem(e instanceof ApiProblem ? [e.message, ...e.fields.map((f) => `${f.path}: ${f.reason}`)].join(" — ")
        : String(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card title="Create a key">
      <form onSubmit={submit} className="grid gap-3 sm:grid-cols-[1fr_1fr_auto] sm:items-end">
        <div>
          <label htmlFor="key-id" className="mb-1 block text-sm font-medium">Name</label>
          <input id="key-id" required pattern="[A-Za-z0-9._\-]{1,64}" className={input} value={id}
            onChange={(e) => setId(e.target.value)} aria-describedby="key-id-help" />
          <p id="key-id-help" className="mt-1 text-xs text-slate-600">Letters, digits, . _ - (up to 64)</p>
        </div>
        <div>
          <label htmlFor="key-models" className="mb-1 block text-sm font-medium">Models</label>
          <input id="key-models" className={input} value={models} onChange={(e) => setModels(e.target.value)}
            aria-describedby="key-models-help" />
          <p id="key-models-help" className="mt-1 text-xs text-slate-600">Comma-separated; * for all</p>
        </div>
        <button type="submit" className={button + " sm:mb-5"} disabled={busy}>{busy ? "Creating…" : "Create key"}</button>
      </form>
      {problem && <div className="mt-3"><Problem message={problem} /></div>}
    </Card>
  );
}

/** The secret, once: it is not stored in clear anywhere, so it cannot be shown again. */
function SecretOnce({ created, rotated, onDone }: { created: CreatedKey; rotated: boolean; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <section aria-labelledby="secret-title" className="rounded-lg border border-amber-400 bg-amber-50 p-4">
      <h2 id="secret-title" className="font-semibold">
        Key {created.id} {rotated ? "rotated: copy its new secret now" : "created: copy its secret now"}
      </h2>
      <p className="mt-1 text-sm text-slate-800">
        It is shown this once; Tollgate keeps only a hash of it.
        {rotated && (created.graceUntil
          ? ` The old secret keeps working until ${formatTime(created.graceUntil)}.`
          : " The old secret no longer works.")}
      </p>
      <div className="mt-3 flex flex-wrap items-center gap-2">
        <code data-testid="secret" className="break-all rounded bg-white px-2 py-1 font-mono text-sm">{created.secret}</code>
        <button type="button" className={quietButton} onClick={() => {
          navigator.clipboard?.writeText(created.secret).then(() => setCopied(true), () => setCopied(false));
        }}>{copied ? "Copied" : "Copy"}</button>
        <button type="button" className={quietButton} onClick={onDone}>I have stored it</button>
      </div>
    </section>
  );
}

function formatTime(iso: string): string {
  return new Date(iso).toISOString().slice(0, 16).replace("T", " ") + " UTC";
}

type Action = { id: string; kind: "revoke" | "rotate" } | null;

function KeyTable({ keys, path, canWrite, lastUsed, onChanged, onEdit, onRotated }:
  { keys: Key[]; path: string; canWrite: boolean; lastUsed: Loaded<LastUsed>; onChanged: () => void;
    onEdit: (key: Key) => void; onRotated: (key: CreatedKey) => void }) {
  const [action, setAction] = useState<Action>(null);
  const [problem, setProblem] = useState<string>();
  const now = new Date();
  const lastUse = new Map(lastUsed.status === "loaded" ? lastUsed.data.data.map((k) => [k.key_id, k.last_used]) : []);

  async function revoke(id: string) {
    setProblem(undefined);
    try {
      await api("POST", `${path}/${encodeURIComponent(id)}/revoke`);
      setAction(null);
      onChanged();
    } catch (e) {
      setProblem(e instanceof ApiProblem ? e.message : String(e));
    }
  }

  return (
    <>
      {problem && <Problem message={problem} />}
      {lastUsed.status === "failed" && (
        <p className="mb-2 text-sm text-slate-700">When the keys were last used is not known now: {lastUsed.message}</p>
      )}
      <DataTable label="Keys table" headings={["Name", "Prefix", "Models", "Limits", "Owner", "State", "Last used", canWrite && <span className="sr-only">Actions</span>]}>
        {keys.map((key) => {
          const state = keyState(key, now);
          const used = lastUse.get(key.id);
          const keyPath = `${path}/${encodeURIComponent(key.id)}`;
          return (
            <tr key={key.id} className="border-t border-slate-200">
              <td className="px-3 py-2 font-medium">{key.id}</td>
              <td className="px-3 py-2 font-mono">{key.prefix}…</td>
              <td className="px-3 py-2">{key.models.join(", ")}</td>
              <td className="px-3 py-2">{limitsText(key)}</td>
              <td className="px-3 py-2">{key.owner ?? "—"}</td>
              <td className="px-3 py-2">
                {state}
                {state === "active" && key.expiresAt && ` until ${key.expiresAt.slice(0, 10)}`}
                {state === "active" && key.graceUntil && new Date(key.graceUntil) > now
                  && <span className="block text-xs text-slate-600">old secret until {formatTime(key.graceUntil)}</span>}
              </td>
              <td className="px-3 py-2" data-testid={`last-used-${key.id}`}>
                {lastUsed.status === "loaded"
                  ? (used ? <time dateTime={used} title={formatTime(used)}>{lastUsedText(used, now)}</time> : "never")
                  : "—"}
              </td>
              {canWrite && (
                <td className="px-3 py-2 text-right">
                  {state === "active" && action?.id !== key.id && (
                    <span className="inline-flex gap-2">
                      <button type="button" className={quietButton} onClick={() => onEdit(key)}>
                        Edit<span className="sr-only"> {key.id}</span>
                      </button>
                      <button type="button" className={quietButton} onClick={() => setAction({ id: key.id, kind: "rotate" })}>
                        Rotate<span className="sr-only"> {key.id}</span>
                      </button>
                      <button type="button" className={quietButton} onClick={() => setAction({ id: key.id, kind: "revoke" })}>
                        Revoke<span className="sr-only"> {key.id}</span>
                      </button>
                    </span>
                  )}
                  {action?.id === key.id && action.kind === "revoke" && (
                    <span className="inline-flex gap-2">
                      <button type="button" className={dangerButton} onClick={() => void revoke(key.id)}>
                        Revoke {key.id} now
                      </button>
                      <button type="button" className={quietButton} onClick={() => setAction(null)}>Cancel</button>
                    </span>
                  )}
                  {action?.id === key.id && action.kind === "rotate" && (
                    <KeyRotate keyPath={keyPath} id={key.id} onCancel={() => setAction(null)}
                      onRotated={(rotated) => { setAction(null); onRotated(rotated); }} />
                  )}
                </td>
              )}
            </tr>
          );
        })}
      </DataTable>
    </>
  );
}

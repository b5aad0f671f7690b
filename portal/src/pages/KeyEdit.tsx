import { useState, type FormEvent } from "react";
import { api, ApiProblem } from "../api/client";
import type { Key } from "../api/types";
import { formOf, keyChanges, type KeyForm } from "../keys";
import { button, Card, input, Problem, quietButton } from "../components/ui";

/** Edits a key's models, limits, budget and expiry; sends only what changed, with the version read. */
export function KeyEdit({ keyPath, current, onSaved, onCancel }:
  { keyPath: string; current: Key; onSaved: () => void; onCancel: () => void }) {
  const [form, setForm] = useState<KeyForm>(formOf(current));
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const set = (field: keyof KeyForm) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [field]: e.target.value }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    const changes = keyChanges(current, form);
    if ("problem" in changes) {
      setProblem(changes.problem);
      return;
    }
    setBusy(true);
    setProblem(undefined);
    try {
      await api("PATCH", keyPath, changes.patch);
      onSaved();
    } catch (e) {
      setProblem(e instanceof ApiProblem
        ? (e.status === 409 ? "Someone changed this key meanwhile: cancel and edit it again. " : "")
          + [e.message, ...e.fields.map((f) => `${f.path}: ${f.reason}`)].join(" — ")
        : String(e));
    } finally {
      setBusy(false);
    }
  }

  const field = (id: keyof KeyForm, label: string, help: string, type = "text", mode?: "numeric" | "decimal") => (
    <div>
      <label htmlFor={`edit-${id}`} className="mb-1 block text-sm font-medium">{label}</label>
      <input id={`edit-${id}`} type={type} className={input} value={form[id]} onChange={set(id)}
        aria-describedby={`edit-${id}-help`} inputMode={mode} />
      <p id={`edit-${id}-help`} className="mt-1 text-xs text-slate-600">{help}</p>
    </div>
  );

  return (
    <Card title={`Edit key ${current.id}`}>
      <form onSubmit={submit} className="space-y-3">
        <div className="grid gap-3 sm:grid-cols-2">
          {field("models", "Allowed models", "Comma-separated; * for all")}
          {field("expiresOn", "Expires on", "Empty: never. The key stops working at 00:00 UTC that day.", "date")}
          {field("requestsPerMinute", "Requests per minute", "Empty: no limit of its own", "text", "numeric")}
          {field("tokensPerMinute", "Tokens per minute", "Empty: no limit of its own", "text", "numeric")}
          {field("maxConcurrentStreams", "Concurrent streams", "Empty: no limit of its own", "text", "numeric")}
          <div className="grid grid-cols-[1fr_auto] gap-2">
            {field("budgetUsd", "Key budget (USD)", "Empty: no budget of its own", "text", "decimal")}
            <div>
              <label htmlFor="edit-budgetPeriod" className="mb-1 block text-sm font-medium">Per</label>
              <select id="edit-budgetPeriod" className={input} value={form.budgetPeriod} onChange={set("budgetPeriod")}>
                <option value="month">month</option>
                <option value="day">day</option>
              </select>
            </div>
          </div>
        </div>
        {problem && <Problem message={problem} />}
        <div className="flex gap-2">
          <button type="submit" className={button} disabled={busy}>{busy ? "Saving…" : "Save key"}</button>
          <button type="button" className={quietButton} onClick={onCancel}>Cancel</button>
        </div>
      </form>
    </Card>
  );
}

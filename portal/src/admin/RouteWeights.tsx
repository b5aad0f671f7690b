import { useState, type FormEvent } from "react";
import { api, ApiProblem } from "../api/client";
import { button, input, Problem, quietButton } from "../components/ui";
import { problemText } from "./Platform";
import { weightChanges, weightFormOf, type WeightForm } from "./routes";
import type { Route } from "./types";

/** A route's backend weights and canary percentage as a form; a merge patch of the changes, with the version read. */
export function RouteWeights({ route, onDone }: { route: Route; onDone: (saved: boolean) => void }) {
  const [form, setForm] = useState<WeightForm>(weightFormOf(route));
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const id = (what: string) => `weights-${route.model.replace(/[^A-Za-z0-9_-]/g, "-")}-${what}`;

  async function save(event: FormEvent) {
    event.preventDefault();
    const changes = weightChanges(route, form);
    if ("problem" in changes) {
      setProblem(changes.problem);
      return;
    }
    setBusy(true);
    setProblem(undefined);
    try {
      await api("PATCH", `/api/v1/routes/${encodeURIComponent(route.model)}`, changes.patch);
      onDone(true);
    } catch (e) {
      setProblem((e instanceof ApiProblem && e.status === 409
        ? "Someone changed this route meanwhile: cancel to see it, then edit again. " : "") + problemText(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={save} className="space-y-3" aria-label={`Weights of ${route.model}`}>
      <div className="grid gap-3 sm:grid-cols-3">
        {route.backends.map((backend, i) => (
          <div key={backend}>
            <label htmlFor={id(`b${i}`)} className="mb-1 block text-sm font-medium">Weight of {backend}</label>
            <input id={id(`b${i}`)} className={input} inputMode="numeric" value={form.weights[backend]}
              autoFocus={i === 0}
              onChange={(e) => setForm((f) => ({ ...f, weights: { ...f.weights, [backend]: e.target.value } }))} />
          </div>
        ))}
        {route.canary && (
          <div>
            <label htmlFor={id("canary")} className="mb-1 block text-sm font-medium">Canary, percent</label>
            <input id={id("canary")} className={input} inputMode="numeric" value={form.canaryWeight}
              onChange={(e) => setForm((f) => ({ ...f, canaryWeight: e.target.value }))} />
          </div>
        )}
      </div>
      <p className="text-xs text-slate-600">Weights are 0 to 1000 (0 drains a backend); a canary's share is taken off the
        top. Saving makes a new config version.</p>
      {problem && <Problem message={problem} />}
      <div className="flex gap-2">
        <button type="submit" className={button} disabled={busy}>{busy ? "Saving…" : "Save weights"}</button>
        <button type="button" className={quietButton} onClick={() => onDone(false)}>Cancel</button>
      </div>
    </form>
  );
}

import { useState, type FormEvent } from "react";
import { api, ApiProblem } from "../api/client";
import { useApi } from "../useApi";
import { button, input, Loading, Problem, quietButton } from "../components/ui";
import { PlatformPage, problemText, Table, td } from "./Platform";
import type { Model, Route } from "./types";

/** The catalogue's models, their prices per million tokens of each kind, and the backends that serve them. */
export function Models() {
  return <PlatformPage title="Models and prices"><ModelsBody /></PlatformPage>;
}

function ModelsBody() {
  const [models, reload] = useApi<Model[]>("/api/v1/models");
  const [routes] = useApi<Route[]>("/api/v1/routes");
  const [editing, setEditing] = useState<string | null>(null);
  const [notice, setNotice] = useState<string>();
  const routeOf = (name: string) => routes.status === "loaded" ? routes.data.find((r) => r.model === name) : undefined;
  return (
    <>
      <p className="text-sm text-slate-700">Prices are in US dollars per million tokens. A change makes a new config
        version, which the gateways apply within seconds; requests already running keep their prices.</p>
      {notice && <p role="status" className="rounded border border-green-300 bg-green-50 p-3 text-green-900">{notice}</p>}
      {models.status === "loading" && <Loading what="models" />}
      {models.status === "failed" && <Problem message={models.message} />}
      {models.status === "loaded" && models.data.length === 0 && (
        <p className="text-slate-700">No models yet. Add them with tollgate-admin models create, or an apply file.</p>
      )}
      {models.status === "loaded" && models.data.length > 0 && (
        <Table label="Models" head={["Model", "Input per 1M tokens", "Output per 1M tokens", "Served by", ""]}>
          {models.data.map((model) => editing === model.name ? (
            <PriceEdit key={model.name} model={model} onDone={(saved) => {
              setEditing(null);
              if (saved) setNotice(`New prices for ${model.name} saved.`);
              reload();
            }} />
          ) : (
            <tr key={model.name} className="border-t border-slate-200">
              <td className={`${td} font-medium`}>{model.name}</td>
              <td className={td}>{price(model.prices.promptPerMillion)}</td>
              <td className={td}>{price(model.prices.completionPerMillion)}</td>
              <td className={td}>{servedBy(routeOf(model.name), routes.status)}</td>
              <td className={td}>
                <button type="button" className={quietButton} aria-label={`Edit prices of ${model.name}`}
                  onClick={() => { setNotice(undefined); setEditing(model.name); }}>Edit prices</button>
              </td>
            </tr>
          ))}
        </Table>
      )}
    </>
  );
}

export function price(usd: number): string {
  return `$${usd.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 6 })}`;
}

function servedBy(route: Route | undefined, status: string): string {
  if (status === "loading") return "…";
  if (status === "failed") return "routes could not be read";
  if (!route) return "no route: not served";
  const canary = route.canary?.backends?.length ? ` (canary: ${route.canary.backends.join(", ")})`
    : route.canary?.model ? ` (canary: model ${route.canary.model})` : "";
  return route.backends.join(", ") + canary;
}

/** One row's prices as a form; sent with the version read, so a change made meanwhile is refused. */
function PriceEdit({ model, onDone }: { model: Model; onDone: (saved: boolean) => void }) {
  const [prompt, setPrompt] = useState(String(model.prices.promptPerMillion));
  const [completion, setCompletion] = useState(String(model.prices.completionPerMillion));
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function save(event: FormEvent) {
    event.preventDefault();
    const promptPerMillion = Number(prompt);
    const completionPerMillion = Number(completion);
    if (prompt.trim() === "" || completion.trim() === "" || !(promptPerMillion >= 0) || !(completionPerMillion >= 0)) {
      setProblem("Prices are amounts in US dollars of 0 or more, such as 0.15.");
      return;
    }
    setBusy(true);
    setProblem(undefined);
    try {
      await api("PATCH", `/api/v1/models/${encodeURIComponent(model.name)}`,
        { version: model.version, prices: { promptPerMillion, completionPerMillion } });
      onDone(true);
    } catch (e) {
      setProblem((e instanceof ApiProblem && e.status === 409
        ? "Someone changed this model meanwhile: cancel to see their prices, then edit again. " : "") + problemText(e));
    } finally {
      setBusy(false);
    }
  }

  const id = `price-${model.name.replace(/[^A-Za-z0-9_-]/g, "-")}`;
  return (
    <tr className="border-t border-slate-200 bg-indigo-50">
      <td colSpan={5} className={td}>
        <form onSubmit={save} className="space-y-2" aria-label={`Prices of ${model.name}`}>
          <p className="font-medium">{model.name}</p>
          <div className="grid gap-3 sm:grid-cols-2">
            <div>
              <label htmlFor={`${id}-prompt`} className="mb-1 block text-sm font-medium">Input, USD per 1M tokens</label>
              <input id={`${id}-prompt`} className={input} inputMode="decimal" value={prompt} autoFocus
                onChange={(e) => setPrompt(e.target.value)} />
            </div>
            <div>
              <label htmlFor={`${id}-completion`} className="mb-1 block text-sm font-medium">Output, USD per 1M tokens</label>
              <input id={`${id}-completion`} className={input} inputMode="decimal" value={completion}
                onChange={(e) => setCompletion(e.target.value)} />
            </div>
          </div>
          {problem && <Problem message={problem} />}
          <div className="flex gap-2">
            <button type="submit" className={button} disabled={busy}>{busy ? "Saving…" : "Save prices"}</button>
            <button type="button" className={quietButton} onClick={() => onDone(false)}>Cancel</button>
          </div>
        </form>
      </td>
    </tr>
  );
}

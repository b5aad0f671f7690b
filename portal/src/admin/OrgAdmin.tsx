import { useState, type FormEvent } from "react";
import { api } from "../api/client";
import type { Org, Spend } from "../api/types";
import { useApi } from "../useApi";
import { usd } from "../forecast";
import { button, Card, input, Problem } from "../components/ui";
import { problemText } from "./Platform";

/** The org's spend this period against its budget, in one line (its own request, so one slow org slows no other). */
export function OrgSpend({ org }: { org: Org }) {
  const [spend] = useApi<Spend>(`/api/v1/orgs/${encodeURIComponent(org.name)}/spend`);
  if (!org.budget) return <span className="text-slate-600">no budget, not counted</span>;
  if (spend.status === "loading") return <span className="text-slate-600">…</span>;
  if (spend.status === "failed") return <span className="text-red-800">cannot be read: {spend.message}</span>;
  return <>{spendText(spend.data)}</>;
}

/** "$12.50 of $100.00 this month (13 %)"; budgets are counted per UTC day or month. */
export function spendText(spend: Spend): string {
  const budget = spend.budget;
  if (!budget) return "no budget, not counted";
  const spent = budget.spentUsd ?? 0;
  const share = budget.limitUsd > 0 ? ` (${Math.round((spent / budget.limitUsd) * 100)} %)` : "";
  return `${usd(spent)} of ${usd(budget.limitUsd)} this ${budget.period}${share}`;
}

/** A new organisation, for platform admins: its name, a display name and an optional monthly budget. */
export function OrgCreate({ onCreated }: { onCreated: (name: string) => void }) {
  const [name, setName] = useState("");
  const [display, setDisplay] = useState("");
  const [budget, setBudget] = useState("");
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function create(event: FormEvent) {
    event.preventDefault();
    const limitUsd = Number(budget);
    if (budget.trim() !== "" && !(limitUsd > 0)) {
      setProblem("The budget is an amount in US dollars above 0, or empty for none.");
      return;
    }
    setBusy(true);
    setProblem(undefined);
    try {
      await api("POST", "/api/v1/orgs", { name: name.trim(), ...(display.trim() ? { display: display.trim() } : {}),
        ...(budget.trim() ? { budget: { limitUsd, period: "month" } } : {}) });
      onCreated(name.trim());
      setName("");
      setDisplay("");
      setBudget("");
    } catch (e) {
      setProblem(problemText(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card title="New organisation">
      <form onSubmit={create} className="grid gap-3 sm:grid-cols-[1fr_1fr_1fr_auto] sm:items-end">
        <div>
          <label htmlFor="org-name" className="mb-1 block text-sm font-medium">Name</label>
          <input id="org-name" className={input} value={name} required onChange={(e) => setName(e.target.value)}
            aria-describedby="org-name-help" />
          <p id="org-name-help" className="mt-1 text-xs text-slate-600">Letters, digits, . _ -; used in addresses</p>
        </div>
        <div>
          <label htmlFor="org-display" className="mb-1 block text-sm font-medium">Display name</label>
          <input id="org-display" className={input} value={display} onChange={(e) => setDisplay(e.target.value)} />
          <p className="mt-1 text-xs text-slate-600">Optional</p>
        </div>
        <div>
          <label htmlFor="org-budget" className="mb-1 block text-sm font-medium">Monthly budget (USD)</label>
          <input id="org-budget" className={input} inputMode="decimal" value={budget} onChange={(e) => setBudget(e.target.value)} />
          <p className="mt-1 text-xs text-slate-600">Empty: none</p>
        </div>
        <div className="sm:pb-5">
          <button type="submit" className={button} disabled={busy}>{busy ? "Creating…" : "Create organisation"}</button>
        </div>
        {problem && <div className="sm:col-span-4"><Problem message={problem} /></div>}
      </form>
    </Card>
  );
}

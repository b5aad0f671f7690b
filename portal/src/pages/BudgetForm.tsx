import { useState, type FormEvent } from "react";
import { api, ApiProblem } from "../api/client";
import type { Budget } from "../api/types";
import { button, input, Problem, quietButton } from "../components/ui";

/** Sets or removes the org's budget (roles with BUDGET_WRITE: owner, admin, billing). */
export function BudgetForm({ org, budget, onChanged }: { org: string; budget: Budget | null; onChanged: () => void }) {
  const [limit, setLimit] = useState(budget ? String(budget.limitUsd) : "");
  const [period, setPeriod] = useState<Budget["period"]>(budget?.period ?? "month");
  const [problem, setProblem] = useState<string>();
  const [saved, setSaved] = useState<string>();
  const path = `/api/v1/orgs/${encodeURIComponent(org)}/budget`;

  async function change(action: () => Promise<unknown>, done: string) {
    setProblem(undefined);
    setSaved(undefined);
    try {
      await action();
      setSaved(done);
      onChanged();
    } catch (e) {
      setProblem(e instanceof ApiProblem ? [e.message, ...e.fields.map((f) => `${f.path}: ${f.reason}`)].join(" — ")
        : String(e));
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    void change(() => api("PUT", path, { limitUsd: Number(limit), period }), "Budget saved.");
  }

  return (
    <form onSubmit={submit} className="mt-4 grid gap-3 border-t border-slate-200 pt-4 sm:grid-cols-[1fr_1fr_auto_auto] sm:items-end">
      <div>
        <label htmlFor="budget-limit" className="mb-1 block text-sm font-medium">Budget (USD)</label>
        <input id="budget-limit" type="number" min="0" step="0.01" required className={input} value={limit}
          onChange={(e) => setLimit(e.target.value)} />
      </div>
      <div>
        <label htmlFor="budget-period" className="mb-1 block text-sm font-medium">Per</label>
        <select id="budget-period" className={input} value={period}
          onChange={(e) => setPeriod(e.target.value as Budget["period"])}>
          <option value="month">month</option>
          <option value="day">day</option>
        </select>
      </div>
      <button type="submit" className={button}>Save budget</button>
      {budget && (
        <button type="button" className={quietButton}
          onClick={() => void change(() => api("DELETE", path), "Budget removed: spend is not capped.")}>
          Remove budget
        </button>
      )}
      <div className="sm:col-span-4" aria-live="polite">
        {problem && <Problem message={problem} />}
        {saved && <p className="text-sm text-emerald-800">{saved}</p>}
      </div>
    </form>
  );
}

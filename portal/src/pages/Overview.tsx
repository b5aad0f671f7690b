import type { Budget, Spend } from "../api/types";
import { forecast, usd } from "../forecast";
import { may } from "../roles";
import { useMe } from "../session";
import { useApi } from "../useApi";
import { Card, Loading, Problem } from "../components/ui";
import { ReliabilityCard, UsageCard } from "./UsageCards";
import { BudgetForm } from "./BudgetForm";

/** An org's spend this period against its budget, with when it runs out at the current rate. */
export function Overview({ org }: { org: string }) {
  const me = useMe();
  const canSeeSpend = may(me, org, "SPEND_READ");
  return (
    <div className="space-y-4">
      {canSeeSpend ? <SpendCard org={org} /> : (
        <Card title="Spend">
          <p className="text-slate-700">Your role does not show this organisation's spend.</p>
        </Card>
      )}
      {canSeeSpend && <UsageCard org={org} />}
      {canSeeSpend && <ReliabilityCard org={org} />}
    </div>
  );
}

function SpendCard({ org }: { org: string }) {
  const me = useMe();
  const [spend, reload] = useApi<Spend>(`/api/v1/orgs/${encodeURIComponent(org)}/spend`);
  if (spend.status === "loading") return <Loading what="spend" />;
  if (spend.status === "failed") return <Problem message={spend.message} />;
  const { budget, keyBudgets } = spend.data;
  return (
    <Card title="Spend this period">
      {budget ? <BudgetMeter label={`Organisation budget (per ${budget.period})`} budget={budget} /> : (
        <p className="text-slate-700">This organisation has no budget: spend is not capped.</p>
      )}
      {keyBudgets.length > 0 && (
        <div className="mt-4 space-y-3">
          <h3 className="font-medium">Keys with their own budget</h3>
          {keyBudgets.map((k) => (
            <BudgetMeter key={k.key} label={`Key ${k.key} (per ${k.period})`}
              budget={{ limitUsd: k.limitUsd, period: k.period as Budget["period"], spentUsd: k.spentUsd }} />
          ))}
        </div>
      )}
      {may(me, org, "BUDGET_WRITE") && <BudgetForm org={org} budget={budget} onChanged={reload} />}
    </Card>
  );
}

export function BudgetMeter({ label, budget, now = new Date() }: { label: string; budget: Budget; now?: Date }) {
  const spent = budget.spentUsd ?? 0;
  const percent = budget.limitUsd > 0 ? Math.min(100, (spent / budget.limitUsd) * 100) : 100;
  const outlook = forecast(budget, now);
  return (
    <div>
      <div className="flex flex-wrap justify-between gap-2 text-sm">
        <span className="font-medium">{label}</span>
        <span>{usd(spent)} of {usd(budget.limitUsd)}</span>
      </div>
      <div role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100}
        aria-valuenow={Math.round(percent)} className="mt-1 h-3 w-full overflow-hidden rounded bg-slate-200">
        <div className={`h-full ${percent >= 90 ? "bg-red-600" : percent >= 70 ? "bg-amber-500" : "bg-emerald-600"}`}
          style={{ width: `${percent}%` }} />
      </div>
      <p className="mt-1 text-sm text-slate-700">
        {outlook.kind === "exhausted" && "The budget is used up: requests are refused until the period resets."}
        {outlook.kind === "no-spend" && "Nothing spent yet this period."}
        {outlook.kind === "lasts-the-period" &&
          `At the current rate it lasts the period (resets ${outlook.resetsAt.toISOString().slice(0, 16).replace("T", " ")} UTC).`}
        {outlook.kind === "runs-out" &&
          `At the current rate it runs out ${outlook.at.toISOString().slice(0, 16).replace("T", " ")} UTC.`}
      </p>
    </div>
  );
}

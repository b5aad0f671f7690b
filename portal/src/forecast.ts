// When an org's budget runs out at the rate spent so far this period (budgets reset at the start
// of each UTC day or month, as the gateway's spend counters do).
import type { Budget } from "./api/types";

export function periodStart(period: Budget["period"], now: Date): Date {
  return period === "day"
    ? new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()))
    : new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

export function periodEnd(period: Budget["period"], now: Date): Date {
  return period === "day"
    ? new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1))
    : new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
}

export type Forecast =
  | { kind: "exhausted" }
  | { kind: "no-spend" }
  | { kind: "lasts-the-period"; resetsAt: Date }
  | { kind: "runs-out"; at: Date };

export function forecast(budget: Budget, now: Date): Forecast {
  const spent = budget.spentUsd ?? 0;
  if (spent >= budget.limitUsd) return { kind: "exhausted" };
  if (spent <= 0) return { kind: "no-spend" };
  const start = periodStart(budget.period, now).getTime();
  const end = periodEnd(budget.period, now);
  const elapsed = Math.max(now.getTime() - start, 1);
  const perMs = spent / elapsed;
  const at = new Date(now.getTime() + (budget.limitUsd - spent) / perMs);
  return at >= end ? { kind: "lasts-the-period", resetsAt: end } : { kind: "runs-out", at };
}

export function usd(value: number | undefined): string {
  const v = value ?? 0;
  return v.toLocaleString("en-US", { style: "currency", currency: "USD", minimumFractionDigits: 2,
    maximumFractionDigits: v !== 0 && Math.abs(v) < 0.01 ? 6 : 2 });
}

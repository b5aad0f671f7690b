// Budget alerts as the history answers them (Alert.toJson with its deliveries, ADR 0012), in words.
import { usd } from "./forecast";

export interface Attempt {
  attempt: number;
  at: string;
  result: "delivered" | "failed";
  reason: string | null;
}

export interface Delivery {
  channel: string;
  status: "pending" | "delivered" | "failed";
  attempts: number;
  lastError: string | null;
  deliveredAt: string | null;
  tries: Attempt[];
}

export interface BudgetAlert {
  id: number;
  org: string;
  kind: "threshold" | "forecast";
  scope: "org" | "key";
  key: string | null;
  period: string;
  thresholdPercent: number | null;
  limitUsd: number;
  spentUsd: number;
  at: string;
  runsOutAt: string | null;
  periodEnd: string;
  deliveries: Delivery[];
}

export interface AlertPage {
  alerts: BudgetAlert[];
  next: number | null;
}

export interface Channel {
  id: string;
  type: "slack" | "teams" | "webhook" | "email";
  target: string;
  signed: boolean;
  createdAt: string;
}


/** "2026-12-07 14:05 UTC" */
export function when(iso: string | null): string {
  if (!iso) return "";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toISOString().substring(0, 16).replace("T", " ") + " UTC";
}

/**
 * A budget period's id (config/schemas/redis-spend.json: d{yyyy-MM-dd}, m{yyyy-MM}) in words:
 * "the day 2026-12-07", "the month 2026-12"; anything else as it is.
 */
export function periodText(period: string): string {
  if (/^d\d{4}-\d{2}-\d{2}$/.test(period)) return `the day ${period.substring(1)}`;
  if (/^m\d{4}-\d{2}$/.test(period)) return `the month ${period.substring(1)}`;
  return period;
}

/** Whose budget: "the organisation" or "key app". */
export function budgetOf(alert: Pick<BudgetAlert, "scope" | "key">): string {
  return alert.scope === "org" ? "the organisation" : `key ${alert.key}`;
}

/** What the alert says, in a sentence. */
export function describe(alert: BudgetAlert): string {
  const spent = `${usd(alert.spentUsd)} of ${usd(alert.limitUsd)}`;
  if (alert.kind === "forecast") {
    return `At the last 24 hours' rate, ${budgetOf(alert)}'s budget runs out on ${when(alert.runsOutAt)}, `
      + `before the period ends (${when(alert.periodEnd)}); ${spent} spent.`;
  }
  const whose = alert.scope === "org" ? "The organisation" : `Key ${alert.key}`;
  return `${whose} passed ${alert.thresholdPercent} % of its budget: ${spent} spent.`;
}

/** How a delivery went, in words: "delivered 14:05 UTC", "failed after 8 attempts: HTTP 500 …", "retrying …". */
export function deliveryText(delivery: Delivery): string {
  switch (delivery.status) {
    case "delivered":
      return `delivered ${when(delivery.deliveredAt)}${delivery.attempts > 1 ? ` (attempt ${delivery.attempts})` : ""}`;
    case "failed":
      return `failed after ${delivery.attempts} attempt${delivery.attempts === 1 ? "" : "s"}: ${delivery.lastError ?? "no reason given"}`;
    case "pending":
      return delivery.attempts === 0 ? "being sent"
        : `retrying (${delivery.attempts} failed so far: ${delivery.lastError ?? "no reason given"})`;
  }
}

/** Where a new channel's messages go: a URL for the webhooks, an address for email. */
export function targetField(type: Channel["type"]): "url" | "email" {
  return type === "email" ? "email" : "url";
}

// The usage explorer's ranges: presets and custom days in UTC, per hour or per day, and the
// figures of an answer per bucket and per group (model or key).
import type { Usage } from "./usage";

export type Preset = "24h" | "7d" | "30d" | "month" | "custom";
export type Granularity = "hour" | "day";
export type GroupBy = "model" | "key";

export interface Choice {
  preset: Preset;
  granularity: Granularity;
  groupBy: GroupBy;
  firstDay: string; // yyyy-mm-dd, custom only
  lastDay: string; // yyyy-mm-dd, custom only, included
}

export interface Range {
  from: string;
  to: string;
  granularity: Granularity;
  buckets: string[];
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Per hour over longer than this is refused here in words (the answer would be thousands of bars). */
export const MAX_HOURLY_DAYS = 31;

export const PRESETS: [Preset, string][] = [["24h", "Last 24 hours"], ["7d", "Last 7 days"], ["30d", "Last 30 days"],
  ["month", "This month"], ["custom", "Days of your choice"]];

/** The granularity a preset starts with. */
export function defaultGranularity(preset: Preset): Granularity {
  return preset === "24h" ? "hour" : "day";
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(".000Z", "Z");
}

/** [from, to) with its buckets, or what is wrong in words. Whole hours or UTC days, now's one included. */
export function rangeOf(choice: Choice, now: Date): Range | { problem: string } {
  const nextHour = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), now.getUTCHours() + 1);
  const tomorrow = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  let from: number;
  let to: number;
  switch (choice.preset) {
    case "24h":
      to = choice.granularity === "hour" ? nextHour : tomorrow;
      from = choice.granularity === "hour" ? to - DAY : tomorrow - 2 * DAY;
      break;
    case "7d":
    case "30d":
      to = tomorrow;
      from = to - (choice.preset === "7d" ? 7 : 30) * DAY;
      break;
    case "month":
      to = tomorrow;
      from = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
      break;
    case "custom": {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(choice.firstDay) || !/^\d{4}-\d{2}-\d{2}$/.test(choice.lastDay)) {
        return { problem: "Choose the first and the last day." };
      }
      from = Date.parse(`${choice.firstDay}T00:00:00Z`);
      to = Date.parse(`${choice.lastDay}T00:00:00Z`) + DAY;
      if (Number.isNaN(from) || Number.isNaN(to)) return { problem: "Choose the first and the last day." };
      if (to <= from) return { problem: "The last day is before the first: swap them." };
      break;
    }
  }
  if (choice.granularity === "hour" && to - from > MAX_HOURLY_DAYS * DAY) {
    return { problem: `Per hour covers at most ${MAX_HOURLY_DAYS} days: choose per day, or fewer days.` };
  }
  const step = choice.granularity === "hour" ? HOUR : DAY;
  const buckets: string[] = [];
  for (let t = from; t < to; t += step) buckets.push(iso(t));
  return { from: iso(from), to: iso(to), granularity: choice.granularity, buckets };
}

/** Requests, cost and tokens per bucket, every bucket present (0 where none), in order. */
export function perBucket(usage: Usage, buckets: string[]): { bucket: string; requests: number; cost: number }[] {
  const byBucket = new Map<string, { requests: number; cost: number }>();
  for (const row of usage.data) {
    const bucket = iso(Date.parse(row.bucket));
    const entry = byBucket.get(bucket) ?? { requests: 0, cost: 0 };
    entry.requests += row.requests;
    entry.cost += row.cost_usd;
    byBucket.set(bucket, entry);
  }
  return buckets.map((bucket) => ({ bucket, ...(byBucket.get(bucket) ?? { requests: 0, cost: 0 }) }));
}

export interface GroupFigures {
  name: string;
  requests: number;
  errors: number;
  promptTokens: number;
  completionTokens: number;
  cost: number;
}

/** Figures per model or key over the whole range, most expensive first. */
export function perGroup(usage: Usage, groupBy: GroupBy): GroupFigures[] {
  const groups = new Map<string, GroupFigures>();
  for (const row of usage.data) {
    const name = (groupBy === "key" ? row.key_id : row.model) ?? "";
    const entry = groups.get(name) ?? { name, requests: 0, errors: 0, promptTokens: 0, completionTokens: 0, cost: 0 };
    entry.requests += row.requests;
    entry.errors += row.errors;
    entry.promptTokens += row.prompt_tokens;
    entry.completionTokens += row.completion_tokens;
    entry.cost += row.cost_usd;
    groups.set(name, entry);
  }
  return [...groups.values()].sort((a, b) => b.cost - a.cost || b.requests - a.requests || a.name.localeCompare(b.name));
}

/** A bucket's label: "14:00" for hours, "Dec 6" for days (UTC). */
export function bucketLabel(bucket: string, granularity: Granularity): string {
  const date = new Date(bucket);
  return granularity === "hour" ? bucket.slice(11, 16)
    : date.toLocaleDateString("en-US", { month: "short", day: "numeric", timeZone: "UTC" });
}

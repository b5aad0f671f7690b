// The overview's usage figures: the last 24 whole hours (the analytics rollups need hour edges).
import type { components } from "./api/schema";

export type Usage = components["schemas"]["Usage"];
export type UsageRow = components["schemas"]["UsageRow"];

export interface ReliabilityRow {
  model: string;
  backend: string | null;
  requests: number;
  errors: number;
  error_rate: number;
  errors_by_kind: Record<string, number>;
  ttft_ms: { p50?: number | null; p95?: number | null; p99?: number | null };
  latency_ms: { p50?: number | null; p95?: number | null; p99?: number | null };
}

/** [from, to): the 24 hours ending with the current one. */
export function lastDay(now: Date): { from: string; to: string; hours: string[] } {
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), now.getUTCHours() + 1));
  const start = new Date(end.getTime() - 24 * 3_600_000);
  const hours = Array.from({ length: 24 }, (_, i) => new Date(start.getTime() + i * 3_600_000).toISOString());
  return { from: iso(start), to: iso(end), hours: hours.map((h) => iso(new Date(h))) };
}

function iso(date: Date): string {
  return date.toISOString().replace(".000Z", "Z");
}

/** Requests per hour, every hour present (0 where none), in order. */
export function requestsPerHour(usage: Usage, hours: string[]): { hour: string; requests: number }[] {
  const byHour = new Map<string, number>();
  for (const row of usage.data) {
    const hour = iso(new Date(row.bucket));
    byHour.set(hour, (byHour.get(hour) ?? 0) + row.requests);
  }
  return hours.map((hour) => ({ hour, requests: byHour.get(hour) ?? 0 }));
}

/** Figures per model over the whole range, most requests first. */
export function perModel(usage: Usage): { model: string; requests: number; errors: number; tokens: number; cost: number }[] {
  const models = new Map<string, { model: string; requests: number; errors: number; tokens: number; cost: number }>();
  for (const row of usage.data) {
    const model = row.model ?? "";
    const entry = models.get(model) ?? { model, requests: 0, errors: 0, tokens: 0, cost: 0 };
    entry.requests += row.requests;
    entry.errors += row.errors;
    entry.tokens += row.prompt_tokens + row.completion_tokens;
    entry.cost += row.cost_usd;
    models.set(model, entry);
  }
  return [...models.values()].sort((a, b) => b.requests - a.requests || a.model.localeCompare(b.model));
}

export function percent(part: number, whole: number): string {
  return whole === 0 ? "0%" : `${((part / whole) * 100).toFixed(part === 0 ? 0 : 1)}%`;
}

/** The error kinds of a reliability row, most frequent first, in words: "timeout 2, rate_limited 1" or "none". */
export function errorKinds(byKind: Record<string, number> | null | undefined): string {
  const kinds = Object.entries(byKind ?? {}).filter(([, count]) => count > 0);
  if (kinds.length === 0) {
    return "none";
  }
  kinds.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return kinds.map(([kind, count]) => `${kind} ${count}`).join(", ");
}

export function ms(value: number | null | undefined): string {
  return value === null || value === undefined ? "—" : `${Math.round(value)} ms`;
}

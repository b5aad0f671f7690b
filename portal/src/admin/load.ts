// Backends' live load as the platform admin sees it: each gateway reports its own view (queue,
// KV cache, health, ejections: GET /api/v1/gateways); the page shows one row per catalogue backend.
// Queue and KV cache are the backend's own figures (every gateway scrapes the same /metrics), so
// the freshest reading wins; health and ejections are each gateway's judgement, so they are counted.
import type { CatalogBackend, GatewayReport } from "./types";

/** A gateway that has not reported for this long is said to be late (they report every poll, 5 s by default). */
export const LATE_AFTER_MS = 30_000;

export interface BackendLoad {
  id: string;
  url: string;
  /** Gateways whose report names this backend. */
  seenBy: number;
  healthyOn: number;
  /** Instances that have it ejected (or on probation) now. */
  ejectedBy: string[];
  /** Ejections so far, summed over the gateways. */
  ejections: number;
  /** This platform's requests in flight to it, summed over the gateways. */
  inFlight: number;
  waiting?: number;
  running?: number;
  kvCacheUsage?: number;
  /** How old the freshest reading is (its scrape's age plus its report's). */
  readingAgeMs?: number;
}

export function backendLoads(backends: CatalogBackend[], reports: GatewayReport[]): BackendLoad[] {
  return backends.map((backend) => {
    const row: BackendLoad = { id: backend.id, url: backend.url, seenBy: 0, healthyOn: 0, ejectedBy: [], ejections: 0,
      inFlight: 0 };
    for (const report of reports) {
      const seen = report.backends.find((b) => b.id === backend.id);
      if (!seen) continue;
      row.seenBy++;
      if (seen.healthy !== false) row.healthyOn++;
      const phase = seen.ejection?.phase;
      if (phase && phase !== "active") row.ejectedBy.push(report.instance);
      row.ejections += seen.ejection?.ejections ?? 0;
      row.inFlight += seen.inFlight ?? 0;
      const metrics = seen.metrics;
      if (metrics && metrics.running !== undefined && metrics.ageMs !== undefined && metrics.ageMs !== null) {
        const age = metrics.ageMs + report.ageMs;
        if (row.readingAgeMs === undefined || age < row.readingAgeMs) {
          row.readingAgeMs = age;
          row.waiting = metrics.waiting;
          row.running = metrics.running;
          row.kvCacheUsage = metrics.kvCacheUsage ?? undefined;
        }
      }
    }
    return row;
  });
}

/** In words, for the table: what the gateways think of the backend. */
export function healthText(load: BackendLoad): string {
  if (load.seenBy === 0) return "no gateway reports it";
  if (load.ejectedBy.length > 0) return `ejected by ${load.ejectedBy.join(", ")}`;
  if (load.healthyOn === load.seenBy) return load.seenBy === 1 ? "healthy" : `healthy on all ${load.seenBy} gateways`;
  if (load.healthyOn === 0) return load.seenBy === 1 ? "failing health checks" : `failing health checks on all ${load.seenBy} gateways`;
  return `failing health checks on ${load.seenBy - load.healthyOn} of ${load.seenBy} gateways`;
}

export function healthTone(load: BackendLoad): "good" | "warn" | "bad" | "none" {
  if (load.seenBy === 0) return "none";
  if (load.healthyOn === 0) return "bad";
  return load.ejectedBy.length > 0 || load.healthyOn < load.seenBy ? "warn" : "good";
}

/** KV-cache use as a whole percentage ("—" when no reading). */
export function kvText(usage: number | undefined): string {
  return usage === undefined || usage === null || !Number.isFinite(usage) ? "—" : `${Math.round(usage * 100)} %`;
}

export function countText(value: number | undefined): string {
  return value === undefined || value === null || !Number.isFinite(value) ? "—" : String(Math.round(value));
}

/** A duration as people say it: "800 ms", "12 s", "3 min", "2 h", "1 d". */
export function ageText(ms: number | undefined): string {
  if (ms === undefined || ms === null || !Number.isFinite(ms)) return "—";
  if (ms < 1_000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${Math.floor(ms / 1_000)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min`;
  if (ms < 86_400_000) return `${Math.floor(ms / 3_600_000)} h`;
  return `${Math.floor(ms / 86_400_000)} d`;
}

/** The version a gateway runs, against the latest: "7 (latest)", "5 (2 behind)", "none yet". */
export function versionText(running: number, latest: number | undefined): string {
  if (running === 0) return "none yet";
  if (latest === undefined || running >= latest) return latest === undefined ? String(running) : `${running} (latest)`;
  return `${running} (${latest - running} behind)`;
}

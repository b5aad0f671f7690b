// Limit policies as the gateways apply them (docs/control-plane.md, "Keys" and "Config versions"):
// a key's limit is its own, else its policy's, else the platform's `default` policy's; an org's
// policy limits the org as a whole (all its keys together).
import type { Key } from "./api/types";

export type LimitField = "requestsPerMinute" | "tokensPerMinute" | "maxConcurrentStreams";
export type Limits = Partial<Record<LimitField, number>>;

export interface Policy {
  name: string;
  limits: Limits;
  version: number;
}

export const LIMIT_FIELDS: { field: LimitField; label: string }[] = [
  { field: "requestsPerMinute", label: "Requests per minute" },
  { field: "tokensPerMinute", label: "Tokens per minute" },
  { field: "maxConcurrentStreams", label: "Concurrent streams" },
];

/** The policy every key falls back to. */
export const DEFAULT_POLICY = "default";

/** One limit and where it comes from: the key itself, a named policy, or nowhere (no limit). */
export interface Effective {
  value: number | undefined;
  from: "key" | "policy" | "default" | "none";
  policy?: string;
}

export function effectiveLimit(key: Pick<Key, "limits" | "policy">, field: LimitField, policies: Policy[]): Effective {
  const own = key.limits?.[field];
  if (own !== undefined && own !== null) return { value: own, from: "key" };
  const named = key.policy ? policies.find((p) => p.name === key.policy) : undefined;
  const fromNamed = named?.limits[field];
  if (named && fromNamed !== undefined) return { value: fromNamed, from: "policy", policy: named.name };
  const fallback = policies.find((p) => p.name === DEFAULT_POLICY)?.limits[field];
  if (fallback !== undefined) return { value: fallback, from: "default", policy: DEFAULT_POLICY };
  return { value: undefined, from: "none" };
}

/** A limit in words: "600", "no limit" (0 is a limit: nothing is admitted). */
export function limitText(value: number | undefined): string {
  return value === undefined ? "no limit" : value.toLocaleString("en-US");
}

/** Where a key's limit comes from, in words. */
export function sourceText(effective: Effective): string {
  switch (effective.from) {
    case "key": return "the key's own";
    case "policy": return `policy ${effective.policy}`;
    case "default": return "the platform's default policy";
    case "none": return "no policy sets it";
  }
}

// A route's split of traffic in words: each backend's weight (1 unless named; 0 drains it) and
// its share, with a canary taking its percentage off the top (ADR 0006: stable + canary = 100).
import type { Route } from "./types";

export interface Share {
  backend: string;
  weight: number;
  /** Percent of the route's requests, before health and load move them. */
  percent: number;
  canary: boolean;
}

export function shares(route: Route): Share[] {
  const canaryWeight = route.canary && route.canary.backends ? route.canary.weight : 0;
  const stablePercent = 100 - (route.canary ? route.canary.weight : 0);
  const weights = route.backends.map((backend) => ({ backend, weight: route.weights?.[backend] ?? 1 }));
  const total = weights.reduce((sum, w) => sum + w.weight, 0);
  const stable = weights.map(({ backend, weight }) => ({ backend, weight, canary: false,
    percent: total === 0 ? 0 : (stablePercent * weight) / total }));
  const canaries = route.canary?.backends ?? [];
  return [...stable, ...canaries.map((backend) => ({ backend, weight: 1, canary: true,
    percent: canaryWeight / canaries.length }))];
}

export function percentText(percent: number): string {
  return `${Number.isInteger(percent) ? percent : percent.toFixed(1)} %`;
}

export function strategyText(route: Route): string {
  return route.strategy ?? "least-load (default)";
}

export function canaryText(route: Route): string {
  const canary = route.canary;
  if (!canary) return "none";
  const target = canary.model ? `model ${canary.model}` : `backends ${(canary.backends ?? []).join(", ")}`;
  return `${canary.weight} % to ${target}`;
}

/** The weights form: each stable backend's weight and the canary's percentage, as typed. */
export interface WeightForm {
  weights: Record<string, string>;
  canaryWeight: string;
}

export function weightFormOf(route: Route): WeightForm {
  return {
    weights: Object.fromEntries(route.backends.map((b) => [b, String(route.weights?.[b] ?? 1)])),
    canaryWeight: route.canary ? String(route.canary.weight) : "",
  };
}

export type WeightPatch = { version: number; weights?: Record<string, number>; canary?: { weight: number } };

/**
 * A merge patch of what changed, with the version read; or what is wrong, in words. Weights are
 * whole numbers 0–1000 with one at least above 0; a canary's weight is a percentage 0–100.
 */
export function weightChanges(route: Route, form: WeightForm): { patch: WeightPatch } | { problem: string } {
  const weights: Record<string, number> = {};
  for (const backend of route.backends) {
    const text = form.weights[backend]?.trim() ?? "";
    const weight = Number(text);
    if (text === "" || !Number.isInteger(weight) || weight < 0 || weight > 1000) {
      return { problem: `The weight of ${backend} is a whole number from 0 to 1000 (0 drains it).` };
    }
    weights[backend] = weight;
  }
  if (Object.values(weights).every((w) => w === 0)) {
    return { problem: "At least one backend keeps a weight above 0: the route would serve nothing." };
  }
  const patch: WeightPatch = { version: route.version };
  const changed = Object.fromEntries(Object.entries(weights).filter(([b, w]) => w !== (route.weights?.[b] ?? 1)));
  if (Object.keys(changed).length > 0) patch.weights = changed;
  if (route.canary) {
    const text = form.canaryWeight.trim();
    const weight = Number(text);
    if (text === "" || !Number.isInteger(weight) || weight < 0 || weight > 100) {
      return { problem: "The canary's weight is a whole percentage from 0 to 100." };
    }
    if (weight !== route.canary.weight) patch.canary = { weight };
  }
  if (!patch.weights && !patch.canary) return { problem: "Nothing changed." };
  return { patch };
}

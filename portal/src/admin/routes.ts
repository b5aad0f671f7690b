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

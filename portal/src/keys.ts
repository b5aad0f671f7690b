// The key page's logic: what an edit changes, and when a key was last used, in words.
import type { KeyUpdate } from "./api/client";
import type { Key } from "./api/types";

/** The edit form's fields, as typed (empty = none). */
export interface KeyForm {
  models: string;
  requestsPerMinute: string;
  tokensPerMinute: string;
  maxConcurrentStreams: string;
  budgetUsd: string;
  budgetPeriod: "day" | "month";
  expiresOn: string; // yyyy-mm-dd, the key ends at 00:00 UTC that day
}

const LIMITS = ["requestsPerMinute", "tokensPerMinute", "maxConcurrentStreams"] as const;

/** The form as the key is now. */
export function formOf(key: Key): KeyForm {
  return {
    models: key.models.join(", "),
    requestsPerMinute: key.limits.requestsPerMinute?.toString() ?? "",
    tokensPerMinute: key.limits.tokensPerMinute?.toString() ?? "",
    maxConcurrentStreams: key.limits.maxConcurrentStreams?.toString() ?? "",
    budgetUsd: key.budget ? key.budget.limitUsd.toString() : "",
    budgetPeriod: key.budget?.period ?? "month",
    expiresOn: key.expiresAt ? key.expiresAt.slice(0, 10) : "",
  };
}

/** A PATCH body: a limit or the budget or the expiry set to null is cleared (the API's merge rules). */
export type KeyPatch = Omit<KeyUpdate, "limits" | "budget"> & {
  limits?: Partial<Record<(typeof LIMITS)[number], number | null>>;
  budget?: { limitUsd: number; period: "day" | "month" } | null;
};

/**
 * What the form changes, as the fields that differ from the key (and the version read, so a change
 * made meanwhile by someone else is refused rather than overwritten); or what is wrong, in words.
 */
export function keyChanges(key: Key, form: KeyForm): { patch: KeyPatch } | { problem: string } {
  const patch: KeyPatch = { version: key.version };
  const models = form.models.split(",").map((m) => m.trim()).filter(Boolean);
  if (models.length === 0) return { problem: "Models: name at least one, or * for all." };
  if (models.join(",") !== key.models.join(",")) patch.models = models;

  const labels = { requestsPerMinute: "Requests per minute", tokensPerMinute: "Tokens per minute",
    maxConcurrentStreams: "Concurrent streams" };
  for (const limit of LIMITS) {
    const text = form[limit].trim();
    if (text !== "" && !/^\d+$/.test(text)) return { problem: `${labels[limit]}: a whole number, or empty for none.` };
    const value = text === "" ? null : Number(text);
    if (value !== (key.limits[limit] ?? null)) patch.limits = { ...patch.limits, [limit]: value };
  }

  const budgetText = form.budgetUsd.trim();
  if (budgetText !== "" && !(/^\d+(\.\d+)?$/.test(budgetText) && Number(budgetText) > 0)) {
    return { problem: "Budget: an amount in USD above 0, or empty for none." };
  }
  const budget = budgetText === "" ? null : { limitUsd: Number(budgetText), period: form.budgetPeriod };
  const current = key.budget ? { limitUsd: key.budget.limitUsd, period: key.budget.period } : null;
  if (JSON.stringify(budget) !== JSON.stringify(current)) patch.budget = budget;

  const expiresAt = form.expiresOn === "" ? null : `${form.expiresOn}T00:00:00Z`;
  if (expiresAt !== null && Number.isNaN(Date.parse(expiresAt))) return { problem: "Expiry: a date, or empty for none." };
  const currentExpiry = key.expiresAt ? new Date(key.expiresAt).toISOString() : null;
  if ((expiresAt && new Date(expiresAt).toISOString()) !== currentExpiry) patch.expiresAt = expiresAt;

  return Object.keys(patch).length === 1 ? { problem: "Nothing changed." } : { patch };
}

/** "never", "just now", "5 min ago", "3 h ago", "12 days ago". */
export function lastUsedText(lastUsed: string | undefined, now: Date): string {
  if (!lastUsed) return "never";
  const seconds = Math.max(0, (now.getTime() - Date.parse(lastUsed)) / 1000);
  if (seconds < 60) return "just now";
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  const days = Math.floor(seconds / 86_400);
  return days === 1 ? "1 day ago" : `${days} days ago`;
}

/** The key's limits in a few words ("60 req/min · 10,000 tok/min · 4 streams"), or "none". */
export function limitsText(key: Key): string {
  const parts = [];
  if (key.limits.requestsPerMinute != null) parts.push(`${key.limits.requestsPerMinute.toLocaleString("en")} req/min`);
  if (key.limits.tokensPerMinute != null) parts.push(`${key.limits.tokensPerMinute.toLocaleString("en")} tok/min`);
  if (key.limits.maxConcurrentStreams != null) parts.push(`${key.limits.maxConcurrentStreams} streams`);
  if (key.budget) parts.push(`$${key.budget.limitUsd} a ${key.budget.period}`);
  return parts.length ? parts.join(" · ") : "none";
}

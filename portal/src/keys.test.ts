import { describe, expect, it } from "vitest";
import { formOf, keyChanges, lastUsedText, limitsText } from "./keys";
import type { Key } from "./api/types";

const key = (extra: Partial<Key> = {}): Key => ({ id: "ci", org: "acme", owner: null, prefix: "tg-abc",
  models: ["llama"], policy: null, limits: { requestsPerMinute: 60 }, budget: null, expiresAt: null,
  revoked: false, graceUntil: null, version: 7, ...extra });

describe("key edits", () => {
  it("sends only what changed, with the version read", () => {
    const form = { ...formOf(key()), tokensPerMinute: "10000", models: "llama, qwen" };
    expect(keyChanges(key(), form)).toEqual({ patch: { version: 7, models: ["llama", "qwen"],
      limits: { tokensPerMinute: 10000 } } });
  });

  it("clears a limit, the budget and the expiry with null", () => {
    const before = key({ budget: { limitUsd: 5, period: "day" }, expiresAt: "2027-01-01T00:00:00Z" });
    const form = { ...formOf(before), requestsPerMinute: "", budgetUsd: "", expiresOn: "" };
    expect(keyChanges(before, form)).toEqual({ patch: { version: 7, limits: { requestsPerMinute: null },
      budget: null, expiresAt: null } });
  });

  it("sets a budget and an expiry at midnight UTC", () => {
    const form = { ...formOf(key()), budgetUsd: "12.5", budgetPeriod: "month" as const, expiresOn: "2027-03-01" };
    expect(keyChanges(key(), form)).toEqual({ patch: { version: 7, budget: { limitUsd: 12.5, period: "month" },
      expiresAt: "2027-03-01T00:00:00Z" } });
  });

  it("says what is wrong, or that nothing changed", () => {
    expect(keyChanges(key(), formOf(key()))).toEqual({ problem: "Nothing changed." });
    expect(keyChanges(key(), { ...formOf(key()), requestsPerMinute: "-3" }))
      .toEqual({ problem: "Requests per minute: a whole number, or empty for none." });
    expect(keyChanges(key(), { ...formOf(key()), models: " , " }))
      .toEqual({ problem: "Models: name at least one, or * for all." });
    expect(keyChanges(key(), { ...formOf(key()), budgetUsd: "0" }))
      .toEqual({ problem: "Budget: an amount in USD above 0, or empty for none." });
  });
});

describe("last used", () => {
  const now = new Date("2026-12-06T12:00:00Z");
  it("says it in words", () => {
    expect(lastUsedText(undefined, now)).toBe("never");
    expect(lastUsedText("2026-12-06T11:59:30.500Z", now)).toBe("just now");
    expect(lastUsedText("2026-12-06T11:55:00Z", now)).toBe("5 min ago");
    expect(lastUsedText("2026-12-06T09:00:00Z", now)).toBe("3 h ago");
    expect(lastUsedText("2026-12-05T11:00:00Z", now)).toBe("1 day ago");
    expect(lastUsedText("2026-11-24T12:00:00Z", now)).toBe("12 days ago");
  });

  it("summarises limits", () => {
    expect(limitsText(key({ limits: {} }))).toBe("none");
    expect(limitsText(key({ limits: { requestsPerMinute: 60, tokensPerMinute: 10000, maxConcurrentStreams: 4 },
      budget: { limitUsd: 5, period: "day" } }))).toBe("60 req/min · 10,000 tok/min · 4 streams · $5 a day");
  });
});

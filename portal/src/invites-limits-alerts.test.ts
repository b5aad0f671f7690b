import { describe, expect, it } from "vitest";
import { expiresIn, inviteToken } from "./api/invites";
import { mayGrant } from "./roles";
import { effectiveLimit, limitText, sourceText, type Policy } from "./limits";
import { deliveryText, describe as describeAlert, periodText, when, type BudgetAlert } from "./alerts";
import type { Me } from "./api/client";

describe("invitation links", () => {
  it("takes the token from the link's fragment only when it is one", () => {
    expect(inviteToken("#tgi-abcdefghijklmnopqrstuvwxyz_-0123")).toBe("tgi-abcdefghijklmnopqrstuvwxyz_-0123");
    expect(inviteToken("")).toBeUndefined();
    expect(inviteToken("#tga-abcdefghijklmnopqrstuvwxyz")).toBeUndefined();
    expect(inviteToken("#tgi-short")).toBeUndefined();
    expect(inviteToken("#tgi-abcdefghijklmnopqrstuvwxyz<script>")).toBeUndefined();
  });

  it("says when a link stops working", () => {
    const now = new Date("2026-12-07T10:00:00Z");
    expect(expiresIn("2026-12-14T10:00:00Z", now)).toBe("in 7 days");
    expect(expiresIn("2026-12-07T13:30:00Z", now)).toBe("in 3 hours");
    expect(expiresIn("2026-12-07T11:00:00Z", now)).toBe("in 1 hour");
    expect(expiresIn("2026-12-07T10:05:00Z", now)).toBe("in 5 minutes");
    expect(expiresIn("2026-12-07T10:00:00Z", now)).toBe("expired");
  });
});

describe("mayGrant", () => {
  const me = (role: Me["roles"][string]): Me => ({ actor: "a@example.com", platformAdmin: false, roles: { acme: role } });

  it("lets nobody give a power their own role lacks", () => {
    expect(mayGrant(me("owner"), "acme", "owner")).toBe(true);
    expect(mayGrant(me("admin"), "acme", "owner")).toBe(false);
    expect(mayGrant(me("admin"), "acme", "admin")).toBe(true);
    expect(mayGrant(me("admin"), "acme", "billing")).toBe(true);
    expect(mayGrant(me("viewer"), "acme", "member")).toBe(false);
    expect(mayGrant(me("owner"), "other", "viewer")).toBe(false);
    expect(mayGrant({ actor: "root", platformAdmin: true, roles: {} }, "other", "owner")).toBe(true);
  });
});

describe("limits", () => {
  const policies: Policy[] = [
    { name: "default", limits: { requestsPerMinute: 60, tokensPerMinute: 10_000 }, version: 1 },
    { name: "gold", limits: { requestsPerMinute: 600 }, version: 2 },
  ];

  it("takes the key's own, else its policy's, else the default policy's, else none", () => {
    const key = { policy: "gold", limits: { maxConcurrentStreams: 4 } };
    expect(effectiveLimit(key, "maxConcurrentStreams", policies)).toEqual({ value: 4, from: "key" });
    expect(effectiveLimit(key, "requestsPerMinute", policies)).toEqual({ value: 600, from: "policy", policy: "gold" });
    expect(effectiveLimit(key, "tokensPerMinute", policies)).toEqual({ value: 10_000, from: "default", policy: "default" });
    expect(effectiveLimit({ policy: null, limits: {} }, "maxConcurrentStreams", policies)).toEqual({ value: undefined, from: "none" });
    expect(effectiveLimit({ policy: "gone", limits: {} }, "requestsPerMinute", policies).from).toBe("default");
  });

  it("says limits and their source in words, 0 being a limit", () => {
    expect(limitText(undefined)).toBe("no limit");
    expect(limitText(0)).toBe("0");
    expect(limitText(12000)).toBe("12,000");
    expect(sourceText({ value: 5, from: "policy", policy: "gold" })).toBe("policy gold");
    expect(sourceText({ value: undefined, from: "none" })).toBe("no policy sets it");
  });
});

describe("alerts in words", () => {
  const alert: BudgetAlert = { id: 7, org: "acme", kind: "threshold", scope: "key", key: "app", period: "m2026-12",
    thresholdPercent: 80, limitUsd: 10, spentUsd: 8.125, at: "2026-12-07T14:05:09Z", runsOutAt: null,
    periodEnd: "2027-01-01T00:00:00Z", deliveries: [] };

  it("describes thresholds and forecasts", () => {
    expect(describeAlert(alert)).toBe("Key app passed 80 % of its budget: $8.13 of $10.00 spent.");
    expect(describeAlert({ ...alert, scope: "org", key: null })).toBe("The organisation passed 80 % of its budget: $8.13 of $10.00 spent.");
    expect(describeAlert({ ...alert, kind: "forecast", thresholdPercent: null, runsOutAt: "2026-12-20T08:00:00Z" }))
      .toBe("At the last 24 hours' rate, key app's budget runs out on 2026-12-20 08:00 UTC, before the period ends "
        + "(2027-01-01 00:00 UTC); $8.13 of $10.00 spent.");
    expect(when("2026-12-07T14:05:09Z")).toBe("2026-12-07 14:05 UTC");
    expect(periodText("m2026-12")).toBe("the month 2026-12");
    expect(periodText("d2026-12-07")).toBe("the day 2026-12-07");
    expect(periodText("2026-W49")).toBe("2026-W49");
    // A tiny budget's figures are not rounded away.
    expect(describeAlert({ ...alert, limitUsd: 0.0001, spentUsd: 0.000004 }))
      .toBe("Key app passed 80 % of its budget: $0.000004 of $0.0001 spent.");
  });

  it("says how each delivery went, with the reason of a failure", () => {
    const base = { channel: "slack", attempts: 1, lastError: null, deliveredAt: "2026-12-07T14:05:10Z", tries: [] };
    expect(deliveryText({ ...base, status: "delivered" })).toBe("delivered 2026-12-07 14:05 UTC");
    expect(deliveryText({ ...base, status: "delivered", attempts: 3 })).toBe("delivered 2026-12-07 14:05 UTC (attempt 3)");
    expect(deliveryText({ ...base, status: "failed", attempts: 8, lastError: "HTTP 500 from the webhook: oops", deliveredAt: null }))
      .toBe("failed after 8 attempts: HTTP 500 from the webhook: oops");
    expect(deliveryText({ ...base, status: "pending", attempts: 0, deliveredAt: null })).toBe("being sent");
    expect(deliveryText({ ...base, status: "pending", attempts: 2, lastError: "connection refused", deliveredAt: null }))
      .toBe("retrying (2 failed so far: connection refused)");
  });
});

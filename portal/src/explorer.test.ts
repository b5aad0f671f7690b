import { describe, expect, it } from "vitest";
import { bucketLabel, perBucket, perGroup, rangeOf, type Choice } from "./explorer";
import type { Usage } from "./usage";

const now = new Date("2026-12-06T14:25:00Z");
const choice = (extra: Partial<Choice>): Choice => ({ preset: "7d", granularity: "day", groupBy: "model", firstDay: "",
  lastDay: "", ...extra });

describe("explorer ranges", () => {
  it("ends with today's day or the current hour, in whole UTC buckets", () => {
    const week = rangeOf(choice({}), now);
    expect(week).toMatchObject({ from: "2026-11-30T00:00:00Z", to: "2026-12-07T00:00:00Z", granularity: "day" });
    expect("buckets" in week && week.buckets).toHaveLength(7);
    const day = rangeOf(choice({ preset: "24h", granularity: "hour" }), now);
    expect(day).toMatchObject({ from: "2026-12-05T15:00:00Z", to: "2026-12-06T15:00:00Z" });
    expect("buckets" in day && day.buckets[23]).toBe("2026-12-06T14:00:00Z");
    expect(rangeOf(choice({ preset: "month" }), now)).toMatchObject({ from: "2026-12-01T00:00:00Z",
      to: "2026-12-07T00:00:00Z" });
    expect(rangeOf(choice({ preset: "30d", granularity: "hour" }), now)).toMatchObject({ from: "2026-11-07T00:00:00Z" });
  });

  it("takes custom days, the last one included, and says what is wrong in words", () => {
    expect(rangeOf(choice({ preset: "custom", firstDay: "2026-02-27", lastDay: "2026-03-01" }), now))
      .toMatchObject({ from: "2026-02-27T00:00:00Z", to: "2026-03-02T00:00:00Z" });
    expect(rangeOf(choice({ preset: "custom", firstDay: "2026-03-01" }), now))
      .toEqual({ problem: "Choose the first and the last day." });
    expect(rangeOf(choice({ preset: "custom", firstDay: "2026-03-02", lastDay: "2026-03-01" }), now))
      .toEqual({ problem: "The last day is before the first: swap them." });
    expect(rangeOf(choice({ preset: "custom", firstDay: "2026-01-01", lastDay: "2026-03-01", granularity: "hour" }), now))
      .toEqual({ problem: "Per hour covers at most 31 days: choose per day, or fewer days." });
  });
});

describe("explorer figures", () => {
  const row = (bucket: string, extra: object) => ({ bucket, requests: 1, errors: 0, prompt_tokens: 10,
    completion_tokens: 5, cached_tokens: 0, cost_usd: 0.5, ...extra });
  const usage = { org: "acme", granularity: "day", group_by: "key", totals: { requests: 0, errors: 0, prompt_tokens: 0,
    completion_tokens: 0, cached_tokens: 0, cost_usd: 0 }, data: [
    row("2026-12-05T00:00:00Z", { key_id: "a", requests: 3, errors: 1, cost_usd: 0.25 }),
    row("2026-12-05T00:00:00Z", { key_id: "b" }),
    row("2026-12-06T00:00:00.000Z", { key_id: "a", requests: 2 }),
  ] } as unknown as Usage;

  it("sums per bucket, every bucket present", () => {
    expect(perBucket(usage, ["2026-12-04T00:00:00Z", "2026-12-05T00:00:00Z", "2026-12-06T00:00:00Z"])).toEqual([
      { bucket: "2026-12-04T00:00:00Z", requests: 0, cost: 0 },
      { bucket: "2026-12-05T00:00:00Z", requests: 4, cost: 0.75 },
      { bucket: "2026-12-06T00:00:00Z", requests: 2, cost: 0.5 },
    ]);
  });

  it("sums per key, most expensive first", () => {
    expect(perGroup(usage, "key")).toEqual([
      { name: "a", requests: 5, errors: 1, promptTokens: 20, completionTokens: 10, cost: 0.75 },
      { name: "b", requests: 1, errors: 0, promptTokens: 10, completionTokens: 5, cost: 0.5 },
    ]);
  });

  it("labels hours and days", () => {
    expect(bucketLabel("2026-12-06T14:00:00Z", "hour")).toBe("14:00");
    expect(bucketLabel("2026-12-06T00:00:00Z", "day")).toBe("Dec 6");
  });
});

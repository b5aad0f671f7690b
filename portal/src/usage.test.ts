import { describe, expect, it } from "vitest";
import { errorKinds, lastDay, perModel, percent, requestsPerHour, type Usage } from "./usage";

const row = (bucket: string, model: string, requests: number, errors = 0) => ({ bucket, model, requests, errors,
  prompt_tokens: 10 * requests, completion_tokens: 5 * requests, cached_tokens: 0, cost_usd: 0.001 * requests });

describe("usage", () => {
  it("asks for the 24 whole hours ending with the current one (the rollups need hour edges)", () => {
    const range = lastDay(new Date("2026-12-06T19:42:10.123Z"));
    expect(range.from).toBe("2026-12-05T20:00:00Z");
    expect(range.to).toBe("2026-12-06T20:00:00Z");
    expect(range.hours).toHaveLength(24);
    expect(range.hours[23]).toBe("2026-12-06T19:00:00Z");
  });

  it("fills the hours without requests with zero and adds up the models of an hour", () => {
    const range = lastDay(new Date("2026-12-06T19:42:00Z"));
    const usage = { org: "acme", granularity: "hour", group_by: "model", data: [
      row("2026-12-06T18:00:00Z", "a", 2), row("2026-12-06T18:00:00Z", "b", 3), row("2026-12-06T19:00:00Z", "a", 1),
    ], totals: row("", "", 6) } as Usage;
    const series = requestsPerHour(usage, range.hours);
    expect(series.slice(21)).toEqual([{ hour: "2026-12-06T17:00:00Z", requests: 0 },
      { hour: "2026-12-06T18:00:00Z", requests: 5 }, { hour: "2026-12-06T19:00:00Z", requests: 1 }]);
    expect(perModel(usage)).toEqual([
      { model: "a", requests: 3, errors: 0, tokens: 45, cost: 0.003 },
      { model: "b", requests: 3, errors: 0, tokens: 45, cost: 0.003 },
    ]);
  });

  it("gives error rates without dividing by zero", () => {
    expect(percent(0, 0)).toBe("0%");
    expect(percent(1, 3)).toBe("33.3%");
  });
  it("names a row's error kinds, most frequent first, or none", () => {
    expect(errorKinds({ timeout: 2, rate_limited: 5, upstream_error: 2 })).toBe("rate_limited 5, timeout 2, upstream_error 2");
    expect(errorKinds({ timeout: 0 })).toBe("none");
    expect(errorKinds({})).toBe("none");
    expect(errorKinds(undefined)).toBe("none");
  });
});

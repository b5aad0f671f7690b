import { describe, expect, it } from "vitest";
import { forecast, usd } from "./forecast";

describe("forecast", () => {
  const midMonth = new Date(Date.UTC(2026, 3, 16)); // 15 days into a 30-day April

  it("runs out before the period ends at a rate that would spend more than the budget", () => {
    // 60 of 100 in 15 days: 4 a day, the remaining 40 in 10 days.
    const outlook = forecast({ limitUsd: 100, period: "month", spentUsd: 60 }, midMonth);
    expect(outlook).toEqual({ kind: "runs-out", at: new Date(Date.UTC(2026, 3, 26)) });
  });

  it("lasts the period at a slower rate, and says when the period resets", () => {
    const outlook = forecast({ limitUsd: 100, period: "month", spentUsd: 10 }, midMonth);
    expect(outlook).toEqual({ kind: "lasts-the-period", resetsAt: new Date(Date.UTC(2026, 4, 1)) });
  });

  it("knows a spent budget and an untouched one", () => {
    expect(forecast({ limitUsd: 5, period: "day", spentUsd: 5 }, midMonth).kind).toBe("exhausted");
    expect(forecast({ limitUsd: 5, period: "day" }, midMonth).kind).toBe("no-spend");
  });

  it("uses the UTC day for daily budgets", () => {
    const sixAm = new Date(Date.UTC(2026, 3, 16, 6));
    expect(forecast({ limitUsd: 10, period: "day", spentUsd: 5 }, sixAm))
      .toEqual({ kind: "runs-out", at: new Date(Date.UTC(2026, 3, 16, 12)) });
  });

  it("shows small amounts without rounding them to nothing", () => {
    expect(usd(0.000123)).toBe("$0.000123");
    expect(usd(12.5)).toBe("$12.50");
  });
});

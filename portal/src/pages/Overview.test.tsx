import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { BudgetMeter, Overview } from "./Overview";
import { fakeControlPlane, member, renderSignedIn } from "../testing";
import { lastDay } from "../usage";

describe("overview", () => {
  it("shows spend against the budget with the forecast", () => {
    render(<BudgetMeter label="Organisation budget" now={new Date(Date.UTC(2026, 3, 16))}
      budget={{ limitUsd: 100, period: "month", spentUsd: 60 }} />);
    expect(screen.getByText("$60.00 of $100.00")).toBeTruthy();
    expect(screen.getByRole("progressbar", { name: "Organisation budget" }).getAttribute("aria-valuenow")).toBe("60");
    expect(screen.getByText(/runs out 2026-04-26 00:00 UTC/)).toBeTruthy();
  });

  it("reads the org's spend from the control plane", async () => {
    fakeControlPlane(member("acme", "billing"), (req) => req.path === "/api/v1/orgs/acme/spend"
      ? { status: 200, body: { org: "acme", budget: { limitUsd: 50, period: "day", spentUsd: 1.25 },
        keyBudgets: [{ key: "ci", limitUsd: 5, period: "day", spentUsd: 0.5 }] } } : undefined);
    renderSignedIn(<Overview org="acme" />);
    expect(await screen.findByText("$1.25 of $50.00")).toBeTruthy();
    expect(screen.getByRole("progressbar", { name: "Key ci (per day)" })).toBeTruthy();
  });

  it("says when there is no budget", async () => {
    fakeControlPlane(member("acme", "owner"), (req) => req.path === "/api/v1/orgs/acme/spend"
      ? { status: 200, body: { org: "acme", budget: null, keyBudgets: [] } } : undefined);
    renderSignedIn(<Overview org="acme" />);
    expect(await screen.findByText(/no budget/)).toBeTruthy();
  });

  it("shows the last day's usage and reliability, asked through the control plane for this org", async () => {
    const hour = lastDay(new Date()).hours[23];
    const sent = fakeControlPlane(member("acme", "viewer"), (req) => {
      if (req.path === "/api/v1/orgs/acme/spend") return { status: 200, body: { org: "acme", budget: null, keyBudgets: [] } };
      if (req.path.startsWith("/api/v1/orgs/acme/usage?")) {
        return { status: 200, body: { org: "acme", granularity: "hour", group_by: "model", data: [
          { bucket: hour, model: "llama", requests: 40, errors: 2, prompt_tokens: 400,
            completion_tokens: 200, cached_tokens: 0, cost_usd: 0.5 }],
        totals: { requests: 40, errors: 2, prompt_tokens: 400, completion_tokens: 200, cached_tokens: 0, cost_usd: 0.5 } } };
      }
      if (req.path.startsWith("/api/v1/orgs/acme/reliability?")) {
        return { status: 200, body: { org: "acme", data: [{ model: "llama", backend: "gpu-a", requests: 40, errors: 2,
          error_rate: 0.05, errors_by_kind: { timeout: 2 }, ttft_ms: { p50: 120.4, p99: 810 }, latency_ms: { p50: 900, p99: 2100 } }] } };
      }
    });
    renderSignedIn(<Overview org="acme" />);
    expect(await screen.findAllByText("5.0%")).toHaveLength(2); // the day's figure and the model's row
    expect(screen.getAllByText("600")).toHaveLength(2); // tokens: the day's and the model's
    expect(screen.getByText("120 ms / 810 ms")).toBeTruthy();
    expect(screen.getByText("timeout 2")).toBeTruthy();
    expect(screen.getByRole("img", { name: `Requests per hour: ${hour.slice(11, 16)} UTC 40` })).toBeTruthy();
    const csv = screen.getByRole("link", { name: /as CSV/ }).getAttribute("href")!;
    expect(csv).toMatch(/^\/api\/v1\/orgs\/acme\/usage\/export\?from=.*:00:00Z&to=.*:00:00Z$/);
    const usage = sent.find((s) => s.path.includes("/usage?"))!;
    expect(usage.path).toMatch(/from=\d{4}-\d\d-\d\dT\d\d:00:00Z&to=.*&granularity=hour&group_by=model$/);
  });

  it("says there were no requests, and an unavailable analytics service in words", async () => {
    fakeControlPlane(member("acme", "owner"), (req) => {
      if (req.path === "/api/v1/orgs/acme/spend") return { status: 200, body: { org: "acme", budget: null, keyBudgets: [] } };
      if (req.path.includes("/usage?")) {
        return { status: 200, body: { org: "acme", granularity: "hour", group_by: "model", data: [],
          totals: { requests: 0, errors: 0, prompt_tokens: 0, completion_tokens: 0, cached_tokens: 0, cost_usd: 0 } } };
      }
      if (req.path.includes("/reliability?")) {
        return { status: 503, body: { error: { status: 503, message: "the analytics service cannot be reached" } } };
      }
    });
    renderSignedIn(<Overview org="acme" />);
    expect(await screen.findByText("No requests in the last 24 hours.")).toBeTruthy();
    expect(screen.queryByRole("link", { name: /as CSV/ })).toBeNull();
    expect((await screen.findByRole("alert")).textContent).toBe("the analytics service cannot be reached");
  });
});

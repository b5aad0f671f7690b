import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { BudgetMeter, Overview } from "./Overview";
import { fakeControlPlane, member, renderSignedIn } from "../testing";

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
});

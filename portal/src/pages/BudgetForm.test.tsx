import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { Overview } from "./Overview";
import { fakeControlPlane, member, renderSignedIn } from "../testing";

const spend = (limitUsd: number | null) => ({ status: 200, body: { org: "acme", keyBudgets: [],
  budget: limitUsd === null ? null : { limitUsd, period: "month", spentUsd: 1 } } });

describe("budget form", () => {
  it("lets billing change the budget, sent with the CSRF token, and shows the new one", async () => {
    document.cookie = "tollgate_csrf=csrf-b";
    let limit = 10;
    const sent = fakeControlPlane(member("acme", "billing"), (req) => {
      if (req.path === "/api/v1/orgs/acme/spend") return spend(limit);
      if (req.path === "/api/v1/orgs/acme/budget" && req.method === "PUT") {
        limit = (req.body as { limitUsd: number }).limitUsd;
        return { status: 200, body: {} };
      }
      if (req.path.includes("/usage?") || req.path.includes("/reliability?")) return { status: 503, body: {} };
    });
    renderSignedIn(<Overview org="acme" />);
    const field = await screen.findByLabelText("Budget (USD)");
    await userEvent.clear(field);
    await userEvent.type(field, "30");
    await userEvent.selectOptions(screen.getByLabelText("Per"), "day");
    await userEvent.click(screen.getByRole("button", { name: "Save budget" }));
    expect(await screen.findByText("Budget saved.")).toBeTruthy();
    expect(await screen.findByText("$1.00 of $30.00")).toBeTruthy();
    const put = sent.find((s) => s.method === "PUT")!;
    expect(put.body).toEqual({ limitUsd: 30, period: "day" });
    expect(put.headers["x-csrf-token"]).toBe("csrf-b");
  });

  it("is not offered to roles that may not change the budget", async () => {
    fakeControlPlane(member("acme", "member"), (req) => req.path === "/api/v1/orgs/acme/spend" ? spend(10) : undefined);
    renderSignedIn(<Overview org="acme" />);
    expect(await screen.findByText("$1.00 of $10.00")).toBeTruthy();
    expect(screen.queryByLabelText("Budget (USD)")).toBeNull();
  });
});

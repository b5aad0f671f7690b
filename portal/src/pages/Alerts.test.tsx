import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { Alerts } from "./Alerts";
import type { BudgetAlert, Channel } from "../alerts";
import { fakeControlPlane, member, renderSignedIn } from "../testing";

const ALERT: BudgetAlert = { id: 9, org: "acme", kind: "threshold", scope: "org", key: null, period: "m2026-12",
  thresholdPercent: 80, limitUsd: 100, spentUsd: 81, at: "2026-12-07T14:05:00Z", runsOutAt: null,
  periodEnd: "2027-01-01T00:00:00Z", deliveries: [
    { channel: "finance", status: "delivered", attempts: 1, lastError: null, deliveredAt: "2026-12-07T14:05:02Z", tries: [] },
    { channel: "siem", status: "failed", attempts: 8, lastError: "HTTP 500 from the webhook: down", deliveredAt: null, tries: [] },
  ] };

describe("alerts page", () => {
  it("shows the history with each channel's delivery, and pages to older alerts", async () => {
    const sent = fakeControlPlane(member("acme", "viewer"), (req) => {
      if (req.path === "/api/v1/orgs/acme/alerts?limit=20") return { status: 200, body: { alerts: [ALERT], next: 9 } };
      if (req.path === "/api/v1/orgs/acme/alerts?limit=20&before=9") return { status: 200, body: { alerts: [], next: null } };
      if (req.path === "/api/v1/orgs/acme/alerts/channels") {
        return { status: 200, body: [{ id: "finance", type: "slack", target: "https://hooks.slack.com/…", signed: false, createdAt: "x" }] };
      }
    });
    renderSignedIn(<Alerts org="acme" />);
    expect(await screen.findByText("The organisation passed 80 % of its budget: $81.00 of $100.00 spent.")).toBeTruthy();
    const deliveries = screen.getByRole("list", { name: "Deliveries of alert 9" });
    expect(deliveries.textContent).toContain("finance: delivered 2026-12-07 14:05 UTC");
    expect(screen.getByText(/threshold 80 % · the month 2026-12/)).toBeTruthy();
    expect(deliveries.textContent).toContain("siem: failed after 8 attempts: HTTP 500 from the webhook: down");
    expect(await screen.findByRole("cell", { name: "finance" })).toBeTruthy();
    // A viewer reads; adding, testing and removing are for those who set budgets.
    expect(screen.queryByRole("button", { name: /Send a test|Remove/ })).toBeNull();
    expect(screen.queryByLabelText("Webhook URL")).toBeNull();

    await userEvent.click(screen.getByRole("button", { name: "Older" }));
    expect(await screen.findByText("No older alerts.")).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "Newer" }));
    expect(await screen.findByText(/passed 80 %/)).toBeTruthy();
    expect(sent.every((s) => s.method === "GET")).toBe(true);
  });

  it("lets billing add a signed webhook (its secret shown once), test a channel and remove one", async () => {
    let channels: Channel[] = [];
    const sent = fakeControlPlane(member("acme", "billing"), (req) => {
      if (req.path.startsWith("/api/v1/orgs/acme/alerts?")) return { status: 200, body: { alerts: [], next: null } };
      if (req.path === "/api/v1/orgs/acme/alerts/channels" && req.method === "GET") return { status: 200, body: channels };
      if (req.path === "/api/v1/orgs/acme/alerts/channels" && req.method === "POST") {
        const body = req.body as { id: string; type: Channel["type"] };
        channels = [{ id: body.id, type: body.type, target: "https://siem.example.com/…", signed: true, createdAt: "x" }];
        return { status: 201, body: { ...channels[0], secret: "whsec_shown_once" } };
      }
      if (req.path.endsWith("/test")) return { status: 200, body: { channel: "siem", delivered: false, reason: "HTTP 404 from the webhook: no" } };
      if (req.method === "DELETE") {
        channels = [];
        return { status: 204 };
      }
    });
    renderSignedIn(<Alerts org="acme" />);
    expect(await screen.findByText(/No alerts yet/)).toBeTruthy();
    expect(await screen.findByText("No channels: alerts are recorded here but sent nowhere.")).toBeTruthy();

    await userEvent.type(screen.getByLabelText("Name"), "siem");
    await userEvent.selectOptions(screen.getByLabelText("Type"), "webhook");
    await userEvent.type(screen.getByLabelText("Webhook URL"), "https://siem.example.com/hook?token=abc");
    await userEvent.click(screen.getByRole("button", { name: "Add channel" }));
    expect((await screen.findByLabelText("Signing secret")).textContent).toBe("whsec_shown_once");
    expect(sent.find((s) => s.method === "POST")!.body)
      .toEqual({ id: "siem", type: "webhook", url: "https://siem.example.com/hook?token=abc" });

    const row = (await screen.findByRole("cell", { name: "siem" })).closest("tr")!;
    expect(within(row).getByText("webhook (signed)")).toBeTruthy();
    await userEvent.click(within(row).getByRole("button", { name: "Send a test to siem" }));
    expect(await within(row).findByText("Test message not delivered: HTTP 404 from the webhook: no")).toBeTruthy();

    await userEvent.click(within(row).getByRole("button", { name: "Remove channel siem" }));
    expect(sent.some((s) => s.method === "DELETE")).toBe(false);
    await userEvent.click(screen.getByRole("button", { name: "Remove siem now" }));
    expect(await screen.findByText("No channels: alerts are recorded here but sent nowhere.")).toBeTruthy();
    expect(sent.filter((s) => s.method !== "GET").every((s) => s.headers["x-csrf-token"])).toBe(true);
  }, 20_000);

  it("sends an email channel's address as email, and says a refusal in words", async () => {
    fakeControlPlane(member("acme", "owner"), (req) => {
      if (req.path.startsWith("/api/v1/orgs/acme/alerts?")) return { status: 503, body: { error: { status: 503, message: "the database is unavailable" } } };
      if (req.path === "/api/v1/orgs/acme/alerts/channels" && req.method === "GET") return { status: 200, body: [] };
      if (req.method === "POST") {
        return { status: 422, body: { error: { status: 422, message: "invalid request: 1 field(s) refused",
          fields: [{ path: "$.type", reason: "email needs an SMTP server, and this control plane has none (TOLLGATE_SMTP_HOST)" }] } } };
      }
    });
    renderSignedIn(<Alerts org="acme" />);
    expect((await screen.findByRole("alert")).textContent).toBe("the database is unavailable");
    await userEvent.type(screen.getByLabelText("Name"), "finance");
    await userEvent.selectOptions(screen.getByLabelText("Type"), "email");
    await userEvent.type(screen.getByLabelText("Email address"), "finance@acme.test");
    await userEvent.click(screen.getByRole("button", { name: "Add channel" }));
    const alerts = await screen.findAllByRole("alert");
    expect(alerts.some((a) => a.textContent!.includes("email needs an SMTP server"))).toBe(true);
  });
});

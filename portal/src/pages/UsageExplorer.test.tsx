import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { UsageExplorer } from "./UsageExplorer";
import { fakeControlPlane, member, renderSignedIn } from "../testing";

const now = new Date("2026-12-06T14:25:00Z");
const usage = (groupBy: string, rows: object[]) => ({ org: "acme", granularity: "day", group_by: groupBy, data: rows,
  totals: { requests: rows.length, errors: 0, prompt_tokens: 10 * rows.length, completion_tokens: 0, cached_tokens: 0,
    cost_usd: 0.01 * rows.length } });

describe("usage explorer", () => {
  it("asks for the range, granularity and grouping chosen, and shows the groups and the CSV of the range", async () => {
    const sent = fakeControlPlane(member("acme", "viewer"), (req) => {
      if (!req.path.startsWith("/api/v1/orgs/acme/usage?")) return undefined;
      const query = new URLSearchParams(req.path.split("?")[1]);
      const name = query.get("group_by") === "key" ? "key_id" : "model";
      return { status: 200, body: usage(query.get("group_by")!, [{ bucket: query.get("from"), [name]: `${name}-x`,
        requests: 1, errors: 0, prompt_tokens: 10, completion_tokens: 0, cached_tokens: 0, cost_usd: 0.01 }]) };
    });
    renderSignedIn(<UsageExplorer org="acme" now={now} />);
    expect(await screen.findByRole("cell", { name: "model-x" })).toBeTruthy();
    await userEvent.selectOptions(screen.getByLabelText("By"), "key");
    expect(await screen.findByRole("cell", { name: "key_id-x" })).toBeTruthy();
    await userEvent.selectOptions(screen.getByLabelText("Range"), "Last 24 hours");
    expect(await screen.findByText(/Requests per hour/)).toBeTruthy();
    expect((screen.getByLabelText("Per") as HTMLSelectElement).value).toBe("hour");
    expect(screen.getByRole("link", { name: "Download this range's requests as CSV" }).getAttribute("href"))
      .toBe("/api/v1/orgs/acme/usage/export?from=2026-12-05T15:00:00Z&to=2026-12-06T15:00:00Z");
    expect(sent.map((s) => s.path).filter((p) => p.includes("/usage?"))).toEqual([
      "/api/v1/orgs/acme/usage?from=2026-11-30T00:00:00Z&to=2026-12-07T00:00:00Z&granularity=day&group_by=model",
      "/api/v1/orgs/acme/usage?from=2026-11-30T00:00:00Z&to=2026-12-07T00:00:00Z&granularity=day&group_by=key",
      "/api/v1/orgs/acme/usage?from=2026-12-05T15:00:00Z&to=2026-12-06T15:00:00Z&granularity=hour&group_by=key",
    ]);
  }, 20_000); // several steps: slow on a busy machine, not a timed test

  it("says a wrong range in words without asking, an empty one, and the API's refusal", async () => {
    const sent = fakeControlPlane(member("acme", "billing"), (req) => {
      if (!req.path.startsWith("/api/v1/orgs/acme/usage?")) return undefined;
      if (req.path.includes("granularity=hour")) {
        return { status: 503, body: { error: { status: 503, message: "the analytics service cannot be reached" } } };
      }
      return { status: 200, body: usage("model", []) };
    });
    renderSignedIn(<UsageExplorer org="acme" now={now} />);
    expect(await screen.findByText("No requests in this range.")).toBeTruthy();
    await userEvent.selectOptions(screen.getByLabelText("Range"), "Days of your choice");
    expect((await screen.findByRole("alert")).textContent).toBe("Choose the first and the last day.");
    await userEvent.type(screen.getByLabelText("First day (UTC)"), "2026-12-03");
    await userEvent.type(screen.getByLabelText("Last day (UTC)"), "2026-12-01");
    expect((await screen.findByRole("alert")).textContent).toBe("The last day is before the first: swap them.");
    const asked = sent.length;
    await userEvent.clear(screen.getByLabelText("Last day (UTC)"));
    await userEvent.type(screen.getByLabelText("Last day (UTC)"), "2026-12-04");
    await userEvent.selectOptions(screen.getByLabelText("Per"), "hour");
    expect((await screen.findByRole("alert")).textContent).toBe("the analytics service cannot be reached");
    expect(sent.slice(asked).map((s) => s.path)).toContain(
      "/api/v1/orgs/acme/usage?from=2026-12-03T00:00:00Z&to=2026-12-05T00:00:00Z&granularity=hour&group_by=model");
  }, 20_000);

  it("links the chosen month's statement, printable and as CSV", async () => {
    fakeControlPlane(member("acme", "billing"), (req) => req.path.startsWith("/api/v1/orgs/acme/usage?")
      ? { status: 200, body: usage("model", []) } : undefined);
    renderSignedIn(<UsageExplorer org="acme" now={now} />);
    const page = await screen.findByRole("link", { name: "Open the printable statement for 2026-12" });
    expect(page.getAttribute("href")).toBe("/api/v1/orgs/acme/statements/2026-12?format=html");
    expect(page.getAttribute("rel")).toContain("noopener");
    const month = screen.getByLabelText("Month (UTC)");
    await userEvent.clear(month);
    expect(screen.getByText("Choose a month.")).toBeTruthy();
    await userEvent.type(month, "2026-11");
    expect(screen.getByRole("link", { name: "Download the statement for 2026-11 as CSV" }).getAttribute("href"))
      .toBe("/api/v1/orgs/acme/statements/2026-11?format=csv");
  });
});

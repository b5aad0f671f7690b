import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { Audit, auditPath, NO_FILTERS } from "./Audit";
import { fakeControlPlane, member, renderSignedIn } from "../testing";

const entry = (id: number, action: string) => ({ id, at: "2026-12-06T10:00:00.000Z", actor: "ann@example.com", action,
  target: "org:acme", requestId: "r" + id });

describe("audit page", () => {
  it("pages back with the API's next, and filters by action", async () => {
    const sent = fakeControlPlane(member("acme", "viewer"), (req) => {
      if (!req.path.startsWith("/api/v1/orgs/acme/audit?")) return undefined;
      const query = new URLSearchParams(req.path.split("?")[1]);
      if (query.get("action") === "org.budget") return { status: 200, body: { entries: [entry(7, "org.budget")], next: null } };
      if (query.get("before") === "40") return { status: 200, body: { entries: [entry(39, "key.create")], next: null } };
      return { status: 200, body: { entries: [entry(41, "key.revoke"), entry(40, "key.rotate")], next: "40" } };
    });
    renderSignedIn(<Audit org="acme" />);
    expect(await screen.findByText("key.revoke")).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "Older" }));
    expect(await screen.findByText("key.create")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Older" })).toBeNull();
    await userEvent.click(screen.getByRole("button", { name: "Newer" }));
    expect(await screen.findByText("key.revoke")).toBeTruthy();
    await userEvent.type(screen.getByLabelText("Action"), "org.budget");
    await userEvent.click(screen.getByRole("button", { name: "Filter" }));
    expect(await screen.findByText("org.budget")).toBeTruthy();
    expect(sent.map((s) => s.path).filter((p) => p.includes("/audit?"))).toEqual([
      "/api/v1/orgs/acme/audit?limit=50", "/api/v1/orgs/acme/audit?limit=50&before=40",
      "/api/v1/orgs/acme/audit?limit=50", "/api/v1/orgs/acme/audit?limit=50&action=org.budget"]);
  });

  it("says a refusal in words", async () => {
    fakeControlPlane(member("acme", "viewer"), (req) => req.path.includes("/audit?")
      ? { status: 400, body: { error: { status: 400, message: "invalid query: 1 parameter(s) refused" } } } : undefined);
    renderSignedIn(<Audit org="acme" />);
    expect((await screen.findByRole("alert")).textContent).toContain("invalid query");
  });
});

describe("audit filters", () => {
  it("asks for actor, target and whole UTC days, the last day included", () => {
    expect(auditPath("acme", { action: " key.* ", actor: "ann@example.com", target: "org:acme/key:ci",
      from: "2026-12-01", to: "2026-12-31" }, null)).toBe("/api/v1/orgs/acme/audit?limit=50&action=key.*"
      + "&actor=ann%40example.com&target=org%3Aacme%2Fkey%3Aci&since=2026-12-01T00%3A00%3A00Z"
      + "&until=2027-01-01T00%3A00%3A00Z");
    expect(auditPath("acme", NO_FILTERS, "40")).toBe("/api/v1/orgs/acme/audit?limit=50&before=40");
  });

  it("filters by who and days from the form, refuses a backwards range in words, and clears", async () => {
    const sent = fakeControlPlane(member("acme", "admin"), (req) => req.path.includes("/audit?")
      ? { status: 200, body: { entries: [entry(1, "key.create")], next: null } } : undefined);
    renderSignedIn(<Audit org="acme" />);
    await screen.findByText("key.create");
    await userEvent.type(screen.getByLabelText("Who"), "ann@example.com");
    await userEvent.type(screen.getByLabelText("First day (UTC)"), "2026-12-05");
    await userEvent.type(screen.getByLabelText("Last day (UTC)"), "2026-12-04");
    await userEvent.click(screen.getByRole("button", { name: "Filter" }));
    expect((await screen.findByRole("alert")).textContent).toBe("The last day is before the first: swap them.");
    await userEvent.clear(screen.getByLabelText("Last day (UTC)"));
    await userEvent.type(screen.getByLabelText("Last day (UTC)"), "2026-12-06");
    await userEvent.click(screen.getByRole("button", { name: "Filter" }));
    await screen.findByText("key.create");
    await userEvent.click(screen.getByRole("button", { name: "Clear" }));
    await screen.findByText("key.create");
    expect(sent.map((s) => s.path).filter((p) => p.includes("/audit?"))).toEqual([
      "/api/v1/orgs/acme/audit?limit=50",
      "/api/v1/orgs/acme/audit?limit=50&actor=ann%40example.com&since=2026-12-05T00%3A00%3A00Z&until=2026-12-07T00%3A00%3A00Z",
      "/api/v1/orgs/acme/audit?limit=50"]);
    expect((screen.getByLabelText("Who") as HTMLInputElement).value).toBe("");
  }, 20_000); // many steps of typing: slow on a busy machine, not a timed test
});

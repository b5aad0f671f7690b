import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { Audit } from "./Audit";
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

import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { Limits } from "./Limits";
import { fakeControlPlane, member, renderSignedIn } from "../testing";

const POLICIES = [
  { name: "default", limits: { requestsPerMinute: 60, tokensPerMinute: 10000 }, version: 1 },
  { name: "gold", limits: { requestsPerMinute: 600, tokensPerMinute: 100000, maxConcurrentStreams: 20 }, version: 1 },
];
const KEY = { id: "app", org: "acme", owner: null, prefix: "tg-abc", models: ["*"], policy: null,
  limits: { maxConcurrentStreams: 2 }, budget: null, expiresAt: null, revoked: false, graceUntil: null, version: 1 };

describe("limits page", () => {
  it("shows a member the org's policy, the default and each key's limits with their source, and no form", async () => {
    const sent = fakeControlPlane(member("acme", "member"), (req) => {
      if (req.path === "/api/v1/orgs/acme") return { status: 200, body: { name: "acme", display: "", policy: "gold", budget: null, version: 3 } };
      if (req.path === "/api/v1/policies") return { status: 200, body: POLICIES };
      if (req.path === "/api/v1/orgs/acme/keys") return { status: 200, body: [KEY] };
    });
    renderSignedIn(<Limits org="acme" />);
    const gold = await screen.findByLabelText("Policy gold");
    expect(within(gold).getByText("600")).toBeTruthy();
    expect(within(screen.getByLabelText("The default policy")).getByText("no limit")).toBeTruthy();
    const row = (await screen.findByRole("cell", { name: "app" })).closest("tr")!;
    expect(row.textContent).toContain("60 (the platform's default policy)");
    expect(row.textContent).toContain("2 (the key's own)");
    expect(screen.queryByLabelText("Policy for all keys together")).toBeNull();
    expect(sent.every((s) => s.method === "GET")).toBe(true);
  });

  it("lets an admin choose the org's policy, sent with the version read, and says a stale one in words", async () => {
    let version = 3;
    let stale = false;
    const sent = fakeControlPlane(member("acme", "admin"), (req) => {
      if (req.path === "/api/v1/orgs/acme" && req.method === "GET") {
        return { status: 200, body: { name: "acme", display: "", policy: null, budget: null, version } };
      }
      if (req.path === "/api/v1/orgs/acme" && req.method === "PATCH") {
        if (stale) return { status: 409, body: { error: { status: 409, message: "version 3 is stale" } } };
        version++;
        return { status: 200, body: {} };
      }
      if (req.path === "/api/v1/policies") return { status: 200, body: POLICIES };
      if (req.path === "/api/v1/orgs/acme/keys") return { status: 200, body: [] };
    });
    renderSignedIn(<Limits org="acme" />);
    expect(await screen.findByText("All keys together: no policy")).toBeTruthy();
    expect(await screen.findByText("No keys yet.")).toBeTruthy();
    await userEvent.selectOptions(screen.getByLabelText("Policy for all keys together"), "gold");
    await userEvent.click(screen.getByRole("button", { name: "Save policy" }));
    expect((await screen.findByRole("status")).textContent).toBe("The organisation now follows policy gold.");
    expect(sent.find((s) => s.method === "PATCH")!.body).toEqual({ policy: "gold", version: 3 });
    expect(sent.find((s) => s.method === "PATCH")!.headers["x-csrf-token"]).toBeTruthy();

    stale = true;
    await userEvent.selectOptions(screen.getByLabelText("Policy for all keys together"), "default");
    await userEvent.click(screen.getByRole("button", { name: "Save policy" }));
    expect((await screen.findByRole("alert")).textContent).toContain("Someone changed the organisation meanwhile");
  }, 20_000);

  it("says in words when the policies cannot be read", async () => {
    fakeControlPlane(member("acme", "billing"), (req) => {
      if (req.path === "/api/v1/orgs/acme") return { status: 200, body: { name: "acme", display: "", policy: null, budget: null, version: 1 } };
      if (req.path === "/api/v1/policies") return { status: 503, body: { error: { status: 503, message: "the database is unavailable" } } };
    });
    renderSignedIn(<Limits org="acme" />);
    expect((await screen.findByRole("alert")).textContent).toBe("the database is unavailable");
  });
});

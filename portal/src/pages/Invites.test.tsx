import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { Members } from "./Members";
import type { Invitation } from "../api/invites";
import { fakeControlPlane, member, renderSignedIn } from "../testing";

const LATER = "2099-12-14T10:00:00Z";

describe("invitations on the members page", () => {
  it("lets an admin invite with a role they may give, see it pending, and revoke it after a confirmation", async () => {
    let pending: Invitation[] = [];
    const sent = fakeControlPlane(member("acme", "admin"), (req) => {
      if (req.path === "/api/v1/orgs/acme/members") {
        return { status: 200, body: [{ email: "admin@example.com", role: "admin" }, { email: "o@example.com", role: "owner" }] };
      }
      if (req.path === "/api/v1/orgs/acme/invites" && req.method === "GET") return { status: 200, body: pending };
      if (req.path === "/api/v1/orgs/acme/invites" && req.method === "POST") {
        const body = req.body as { email: string; role: Invitation["role"] };
        const invitation: Invitation = { org: "acme", ...body, invitedBy: "admin@example.com", createdAt: "2026-12-07T10:00:00Z",
          expiresAt: LATER, expired: false };
        pending = [invitation];
        return { status: 201, body: invitation };
      }
      if (req.method === "DELETE") {
        pending = [];
        return { status: 204 };
      }
    });
    renderSignedIn(<Members org="acme" />);
    expect(await screen.findByText("No pending invitations.")).toBeTruthy();
    const roles = within(screen.getByLabelText("Invited role")).getAllByRole("option").map((o) => o.textContent);
    expect(roles).toEqual(["admin", "member", "viewer", "billing"]);
    // Nor does an admin change or remove an owner.
    expect(screen.queryByLabelText("Role of o@example.com")).toBeNull();
    expect(screen.queryByRole("button", { name: "Remove o@example.com" })).toBeNull();

    await userEvent.type(screen.getByLabelText("Invitee's email"), "new@example.com");
    await userEvent.selectOptions(screen.getByLabelText("Invited role"), "viewer");
    await userEvent.click(screen.getByRole("button", { name: "Send invitation" }));
    expect(await screen.findByText(/Invitation sent to new@example.com/)).toBeTruthy();
    const row = (await screen.findByRole("cell", { name: "new@example.com" })).closest("tr")!;
    expect(within(row).getByText(/until 2099-12-14 10:00 UTC/)).toBeTruthy();

    await userEvent.click(screen.getByRole("button", { name: "Revoke the invitation of new@example.com" }));
    expect(sent.some((s) => s.method === "DELETE")).toBe(false);
    await userEvent.click(screen.getByRole("button", { name: "Revoke new@example.com's invitation now" }));
    expect(await screen.findByText("No pending invitations.")).toBeTruthy();

    const changes = sent.filter((s) => s.method !== "GET").map((s) => [s.method, s.path, s.body]);
    expect(changes).toEqual([
      ["POST", "/api/v1/orgs/acme/invites", { email: "new@example.com", role: "viewer" }],
      ["DELETE", "/api/v1/orgs/acme/invites/new%40example.com", undefined],
    ]);
    expect(sent.filter((s) => s.method !== "GET").every((s) => s.headers["x-csrf-token"])).toBe(true);
  }, 20_000); // many steps of typing and clicking: slow on a busy machine, not a timed test

  it("says a refused invitation in words, and marks an expired one", async () => {
    fakeControlPlane(member("acme", "owner"), (req) => {
      if (req.path === "/api/v1/orgs/acme/members") return { status: 200, body: [] };
      if (req.path === "/api/v1/orgs/acme/invites" && req.method === "GET") {
        return { status: 200, body: [{ org: "acme", email: "late@example.com", role: "member", invitedBy: "o@example.com",
          createdAt: "2026-11-01T00:00:00Z", expiresAt: "2026-11-08T00:00:00Z", expired: true }] };
      }
      if (req.method === "POST") {
        return { status: 409, body: { error: { status: 409, message: "x@example.com already has a user: add them as a member instead" } } };
      }
    });
    renderSignedIn(<Members org="acme" />);
    expect(await screen.findByText("expired: invite again for a new link")).toBeTruthy();
    expect(within(screen.getByLabelText("Invited role")).getAllByRole("option").map((o) => o.textContent)).toContain("owner");
    await userEvent.type(screen.getByLabelText("Invitee's email"), "x@example.com");
    await userEvent.click(screen.getByRole("button", { name: "Send invitation" }));
    expect((await screen.findByRole("alert")).textContent).toContain("already has a user: add them as a member instead");
  });

  it("says when the invitations cannot be read", async () => {
    fakeControlPlane(member("acme", "member"), (req) => {
      if (req.path === "/api/v1/orgs/acme/members") return { status: 200, body: [] };
      if (req.path === "/api/v1/orgs/acme/invites") return { status: 503, body: { error: { status: 503, message: "the database is unavailable" } } };
    });
    renderSignedIn(<Members org="acme" />);
    expect((await screen.findByRole("alert")).textContent).toBe("the database is unavailable");
    expect(screen.queryByLabelText("Invitee's email")).toBeNull();
  });
});

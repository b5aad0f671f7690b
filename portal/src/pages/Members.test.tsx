import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { Members, type Member } from "./Members";
import { fakeControlPlane, member, renderSignedIn } from "../testing";

describe("members page", () => {
  it("lists members and lets an admin add one, change a role and remove one after a confirmation", async () => {
    let members: Member[] = [{ email: "admin@example.com", role: "admin" }, { email: "bo@example.com", role: "viewer" }];
    const sent = fakeControlPlane(member("acme", "admin"), (req) => {
      if (req.path === "/api/v1/orgs/acme/members") return { status: 200, body: members };
      if (req.path === "/api/v1/orgs/acme/invites") return { status: 200, body: [] };
      const email = decodeURIComponent(req.path.substring("/api/v1/orgs/acme/members/".length));
      if (req.method === "PUT") {
        const role = (req.body as { role: Member["role"] }).role;
        members = [...members.filter((m) => m.email !== email), { email, role }].sort((a, b) => a.email.localeCompare(b.email));
        return { status: 200, body: { email, role } };
      }
      if (req.method === "DELETE") {
        members = members.filter((m) => m.email !== email);
        return { status: 204 };
      }
    });
    renderSignedIn(<Members org="acme" />);
    expect(await screen.findByRole("cell", { name: "bo@example.com" })).toBeTruthy();

    await userEvent.type(screen.getByLabelText("Email"), "cy@example.com");
    await userEvent.selectOptions(screen.getByLabelText("Role"), "billing");
    expect(screen.getByText("spend and the budget")).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "Add member" }));
    expect((await screen.findByRole("status")).textContent).toBe("cy@example.com is now a billing.");
    expect(await screen.findByRole("cell", { name: "cy@example.com" })).toBeTruthy();

    expect(screen.queryByRole("button", { name: /Save role/ })).toBeNull();
    await userEvent.selectOptions(screen.getByLabelText("Role of bo@example.com"), "member");
    await userEvent.click(screen.getByRole("button", { name: "Save role of bo@example.com" }));
    await screen.findByRole("cell", { name: "bo@example.com" });
    expect(screen.queryByRole("button", { name: /Save role/ })).toBeNull();

    await userEvent.click(screen.getByRole("button", { name: "Remove cy@example.com" }));
    expect(sent.some((s) => s.method === "DELETE")).toBe(false);
    await userEvent.click(screen.getByRole("button", { name: "Remove cy@example.com now" }));
    await waitForGone("cy@example.com");

    const changes = sent.filter((s) => s.method !== "GET").map((s) => [s.method, s.path, s.body]);
    expect(changes).toEqual([
      ["PUT", "/api/v1/orgs/acme/members/cy%40example.com", { role: "billing" }],
      ["PUT", "/api/v1/orgs/acme/members/bo%40example.com", { role: "member" }],
      ["DELETE", "/api/v1/orgs/acme/members/cy%40example.com", undefined],
    ]);
    expect(sent.filter((s) => s.method !== "GET").every((s) => s.headers["x-csrf-token"])).toBe(true);
  }, 20_000); // many steps of typing and clicking: slow on a busy machine, not a timed test

  it("says in words why a member could not be added", async () => {
    fakeControlPlane(member("acme", "owner"), (req) => {
      if (req.method === "GET" && req.path === "/api/v1/orgs/acme/members") return { status: 200, body: [] };
      if (req.method === "GET" && req.path === "/api/v1/orgs/acme/invites") return { status: 200, body: [] };
      if (req.method === "PUT") {
        return { status: 422, body: { error: { status: 422,
          message: "no user zed@example.com: create it first (tollgate-admin users create zed@example.com)" } } };
      }
    });
    renderSignedIn(<Members org="acme" />);
    expect(await screen.findByText("No members yet.")).toBeTruthy();
    await userEvent.type(screen.getByLabelText("Email"), "zed@example.com");
    await userEvent.click(screen.getByRole("button", { name: "Add member" }));
    expect((await screen.findByRole("alert")).textContent).toContain("no user zed@example.com: create it first");
  });

  it("shows a viewer the roles but offers no changes", async () => {
    fakeControlPlane(member("acme", "viewer"), (req) => req.path === "/api/v1/orgs/acme/members"
      ? { status: 200, body: [{ email: "viewer@example.com", role: "viewer" }, { email: "o@example.com", role: "owner" }] }
      : req.path === "/api/v1/orgs/acme/invites"
        ? { status: 200, body: [{ org: "acme", email: "new@example.com", role: "member", invitedBy: "someone@example.com",
            createdAt: "2026-12-01T00:00:00Z", expiresAt: "2099-12-08T00:00:00Z", expired: false }] }
        : undefined);
    renderSignedIn(<Members org="acme" />);
    const row = (await screen.findByRole("cell", { name: "o@example.com" })).closest("tr")!;
    expect(within(row).getByRole("cell", { name: "owner" })).toBeTruthy();
    expect(screen.getByText("viewer@example.com (you)")).toBeTruthy();
    expect(await screen.findByRole("cell", { name: "new@example.com" })).toBeTruthy();
    expect(screen.queryByRole("button")).toBeNull();
    expect(screen.queryByLabelText("Email")).toBeNull();
    expect(screen.queryByRole("combobox")).toBeNull();
  });
});

async function waitForGone(email: string) {
  for (let i = 0; i < 50 && screen.queryByRole("cell", { name: email }); i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(screen.queryByRole("cell", { name: email })).toBeNull();
}

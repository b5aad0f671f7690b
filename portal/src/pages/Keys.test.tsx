import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { Keys, keyState } from "./Keys";
import { fakeControlPlane, member, renderSignedIn } from "../testing";
import type { Key } from "../api/types";

const key = (id: string, extra: Partial<Key> = {}): Key => ({ id, org: "acme", owner: "ann@example.com",
  prefix: "tg-abc", models: ["*"], policy: null, limits: {}, budget: null, expiresAt: null, revoked: false,
  graceUntil: null, version: 1, ...extra });

describe("keys page", () => {
  it("creates a key, shows its secret once, and sends the CSRF token", async () => {
    document.cookie = "tollgate_csrf=csrf-123";
    let keys = [key("old")];
    const sent = fakeControlPlane(member("acme", "member"), (req) => {
      if (req.path === "/api/v1/orgs/acme/keys" && req.method === "GET") return { status: 200, body: keys };
      if (req.path === "/api/v1/orgs/acme/keys" && req.method === "POST") {
        keys = [...keys, key("ci")];
        return { status: 201, body: { ...key("ci"), secret: "tg-secret-shown-once" } };
      }
    });
    renderSignedIn(<Keys org="acme" />);
    expect(await screen.findByRole("cell", { name: "old" })).toBeTruthy();
    await userEvent.type(screen.getByLabelText("Name"), "ci");
    await userEvent.click(screen.getByRole("button", { name: "Create key" }));
    expect((await screen.findByTestId("secret")).textContent).toBe("tg-secret-shown-once");
    const create = sent.find((s) => s.method === "POST")!;
    expect(create.body).toEqual({ id: "ci", models: ["*"] });
    expect(create.headers["x-csrf-token"]).toBe("csrf-123");
    expect(await screen.findByRole("cell", { name: "ci" })).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "I have stored it" }));
    expect(screen.queryByTestId("secret")).toBeNull();
    expect(document.body.textContent).not.toContain("tg-secret-shown-once");
  });

  it("revokes after a confirmation", async () => {
    let revoked = false;
    const sent = fakeControlPlane(member("acme", "admin"), (req) => {
      if (req.path === "/api/v1/orgs/acme/keys") return { status: 200, body: [key("ci", { revoked })] };
      if (req.path === "/api/v1/orgs/acme/keys/ci/revoke") {
        revoked = true;
        return { status: 200, body: key("ci", { revoked: true }) };
      }
    });
    renderSignedIn(<Keys org="acme" />);
    await userEvent.click(await screen.findByRole("button", { name: "Revoke ci" }));
    expect(sent.some((s) => s.path.endsWith("/revoke"))).toBe(false);
    await userEvent.click(screen.getByRole("button", { name: "Revoke ci now" }));
    const row = (await screen.findByText("revoked")).closest("tr")!;
    expect(within(row).queryByRole("button")).toBeNull();
    expect(sent.filter((s) => s.path.endsWith("/revoke")).map((s) => s.method)).toEqual(["POST"]);
  });

  it("offers a viewer neither create nor revoke", async () => {
    fakeControlPlane(member("acme", "viewer"), (req) =>
      req.path === "/api/v1/orgs/acme/keys" ? { status: 200, body: [key("ci")] } : undefined);
    renderSignedIn(<Keys org="acme" />);
    expect(await screen.findByText("ci")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Create key" })).toBeNull();
    expect(screen.queryByRole("button", { name: /Revoke/ })).toBeNull();
  });

  it("shows the API's refusal in words", async () => {
    fakeControlPlane(member("acme", "member"), (req) => {
      if (req.method === "GET" && req.path.endsWith("/keys")) return { status: 200, body: [] };
      if (req.method === "POST") return { status: 409, body: { error: { status: 409, message: "key ci already exists" } } };
    });
    renderSignedIn(<Keys org="acme" />);
    expect(await screen.findByText(/No keys yet/)).toBeTruthy();
    await userEvent.type(screen.getByLabelText("Name"), "ci");
    await userEvent.click(screen.getByRole("button", { name: "Create key" }));
    expect((await screen.findByRole("alert")).textContent).toContain("key ci already exists");
  });

  it("tells expired keys from active ones", () => {
    const now = new Date("2026-05-01T00:00:00Z");
    expect(keyState(key("a", { expiresAt: "2026-04-30T00:00:00Z" }), now)).toBe("expired");
    expect(keyState(key("a", { expiresAt: "2026-06-30T00:00:00Z" }), now)).toBe("active");
    expect(keyState(key("a", { revoked: true }), now)).toBe("revoked");
  });
});

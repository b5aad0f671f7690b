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
    expect(screen.queryByRole("button", { name: /Edit|Rotate/ })).toBeNull();
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

  it("shows when each key was last used, and never for one that was not", async () => {
    const recent = new Date(Date.now() - 5 * 60_000).toISOString();
    fakeControlPlane(member("acme", "viewer"), (req) => {
      if (req.path === "/api/v1/orgs/acme/keys") return { status: 200, body: [key("busy"), key("idle")] };
      if (req.path === "/api/v1/orgs/acme/usage/last-used") {
        return { status: 200, body: { org: "acme", data: [{ key_id: "busy", last_used: recent }] } };
      }
    });
    renderSignedIn(<Keys org="acme" />);
    expect((await screen.findByText("5 min ago")).closest("td")!.dataset.testid).toBe("last-used-busy");
    expect(screen.getByTestId("last-used-idle").textContent).toBe("never");
  });

  it("says in words when the last use is not known", async () => {
    fakeControlPlane(member("acme", "member"), (req) => {
      if (req.path === "/api/v1/orgs/acme/keys") return { status: 200, body: [key("ci")] };
      if (req.path === "/api/v1/orgs/acme/usage/last-used") {
        return { status: 503, body: { error: { status: 503, message: "the analytics service cannot be reached" } } };
      }
    });
    renderSignedIn(<Keys org="acme" />);
    expect(await screen.findByText(/not known now: the analytics service cannot be reached/)).toBeTruthy();
    expect(screen.getByTestId("last-used-ci").textContent).toBe("—");
  });

  it("edits a key's limits and models, sending only the changes with the version read", async () => {
    let current = key("ci", { models: ["llama"], limits: { requestsPerMinute: 60 }, version: 4 });
    const sent = fakeControlPlane(member("acme", "member"), (req) => {
      if (req.path === "/api/v1/orgs/acme/keys" && req.method === "GET") return { status: 200, body: [current] };
      if (req.path === "/api/v1/orgs/acme/keys/ci" && req.method === "PATCH") {
        current = { ...current, models: ["llama", "qwen"], limits: { tokensPerMinute: 5000 }, version: 5 };
        return { status: 200, body: current };
      }
    });
    renderSignedIn(<Keys org="acme" />);
    await userEvent.click(await screen.findByRole("button", { name: "Edit ci" }));
    const models = screen.getByLabelText("Allowed models");
    await userEvent.clear(models);
    await userEvent.type(models, "llama, qwen");
    await userEvent.clear(screen.getByLabelText("Requests per minute"));
    await userEvent.type(screen.getByLabelText("Tokens per minute"), "5000");
    await userEvent.click(screen.getByRole("button", { name: "Save key" }));
    expect(await screen.findByText("5,000 tok/min")).toBeTruthy();
    const patch = sent.find((s) => s.method === "PATCH")!;
    expect(patch.body).toEqual({ version: 4, models: ["llama", "qwen"],
      limits: { requestsPerMinute: null, tokensPerMinute: 5000 } });
    expect(patch.headers["x-csrf-token"]).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Save key" })).toBeNull();
  });

  it("says a stale edit and a bad limit in words, and sends nothing for the bad one", async () => {
    const sent = fakeControlPlane(member("acme", "admin"), (req) => {
      if (req.path === "/api/v1/orgs/acme/keys" && req.method === "GET") return { status: 200, body: [key("ci")] };
      if (req.method === "PATCH") {
        return { status: 409, body: { error: { status: 409, message: "version 1 is stale: the key is at version 2" } } };
      }
    });
    renderSignedIn(<Keys org="acme" />);
    await userEvent.click(await screen.findByRole("button", { name: "Edit ci" }));
    await userEvent.type(screen.getByLabelText("Concurrent streams"), "many");
    await userEvent.click(screen.getByRole("button", { name: "Save key" }));
    expect((await screen.findByRole("alert")).textContent).toBe("Concurrent streams: a whole number, or empty for none.");
    expect(sent.some((s) => s.method === "PATCH")).toBe(false);
    await userEvent.clear(screen.getByLabelText("Concurrent streams"));
    await userEvent.type(screen.getByLabelText("Concurrent streams"), "4");
    await userEvent.click(screen.getByRole("button", { name: "Save key" }));
    expect((await screen.findByRole("alert")).textContent).toContain("Someone changed this key meanwhile");
    expect(screen.getByRole("alert").textContent).toContain("version 1 is stale");
  });

  it("rotates with the chosen grace and shows the new secret once", async () => {
    const graceUntil = "2026-12-07T12:00:00Z";
    const sent = fakeControlPlane(member("acme", "owner"), (req) => {
      if (req.path === "/api/v1/orgs/acme/keys") return { status: 200, body: [key("ci")] };
      if (req.path === "/api/v1/orgs/acme/keys/ci/rotate") {
        return { status: 200, body: { ...key("ci", { graceUntil, version: 2 }), secret: "tg-new-secret" } };
      }
    });
    renderSignedIn(<Keys org="acme" />);
    await userEvent.click(await screen.findByRole("button", { name: "Rotate ci" }));
    expect(sent.some((s) => s.path.endsWith("/rotate"))).toBe(false);
    await userEvent.selectOptions(screen.getByLabelText("Old secret stops"), "in 24 hours");
    await userEvent.click(screen.getByRole("button", { name: "Rotate ci now" }));
    expect((await screen.findByTestId("secret")).textContent).toBe("tg-new-secret");
    expect(screen.getByRole("heading", { name: /rotated: copy its new secret now/ })).toBeTruthy();
    expect(screen.getByText(/old secret keeps working until 2026-12-07 12:00 UTC/)).toBeTruthy();
    expect(sent.filter((s) => s.path.endsWith("/rotate")).map((s) => s.body)).toEqual([{ graceSeconds: 86400 }]);
  });

  it("tells expired keys from active ones", () => {
    const now = new Date("2026-05-01T00:00:00Z");
    expect(keyState(key("a", { expiresAt: "2026-04-30T00:00:00Z" }), now)).toBe("expired");
    expect(keyState(key("a", { expiresAt: "2026-06-30T00:00:00Z" }), now)).toBe("active");
    expect(keyState(key("a", { revoked: true }), now)).toBe("revoked");
  });
});

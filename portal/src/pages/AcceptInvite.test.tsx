import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { App } from "../App";
import { fakeControlPlane } from "../testing";

const TOKEN = "tgi-abcdefghijklmnopqrstuvwxyz0123456789";

describe("an invitation's link", () => {
  beforeEach(() => {
    document.cookie = "tollgate_csrf=; max-age=0";
  });

  it("says what it invites to, asks for a password twice, and lands the invitee in the org signed in", async () => {
    const sent = fakeControlPlane(null, (req) => {
      if (req.path === "/api/v1/invites/lookup") {
        return { status: 200, body: { org: "acme", email: "new@example.com", role: "viewer", expiresAt: "2099-01-01T00:00:00Z" } };
      }
      if (req.path === "/api/v1/invites/accept") {
        return { status: 201, body: { actor: "new@example.com", platformAdmin: false, roles: { acme: "viewer" }, csrfToken: "c" } };
      }
    });
    window.history.pushState({}, "", `/invite#${TOKEN}`);
    render(<App />);
    expect(await screen.findByRole("heading", { name: "You are invited to acme" })).toBeTruthy();
    expect(screen.getByText("viewer")).toBeTruthy();

    await userEvent.type(screen.getByLabelText("Password"), "short");
    await userEvent.type(screen.getByLabelText("The same password again"), "short");
    await userEvent.click(screen.getByRole("button", { name: "Join acme" }));
    expect((await screen.findByRole("alert")).textContent).toBe("The password must be at least 12 characters.");

    await userEvent.clear(screen.getByLabelText("Password"));
    await userEvent.clear(screen.getByLabelText("The same password again"));
    await userEvent.type(screen.getByLabelText("Password"), "a long enough password");
    await userEvent.type(screen.getByLabelText("The same password again"), "a long enough passwore");
    await userEvent.click(screen.getByRole("button", { name: "Join acme" }));
    expect((await screen.findByRole("alert")).textContent).toBe("The two passwords differ.");
    expect(sent.some((s) => s.path === "/api/v1/invites/accept")).toBe(false);

    await userEvent.clear(screen.getByLabelText("The same password again"));
    await userEvent.type(screen.getByLabelText("The same password again"), "a long enough password");
    await userEvent.click(screen.getByRole("button", { name: "Join acme" }));
    expect(await screen.findByRole("heading", { name: "acme", level: 1 })).toBeTruthy();
    expect(window.location.pathname).toBe("/orgs/acme");
    expect(screen.getByText("new@example.com")).toBeTruthy();
    expect(sent.find((s) => s.path === "/api/v1/invites/accept")!.body)
      .toEqual({ token: TOKEN, password: "a long enough password" });
    expect(sent.find((s) => s.path === "/api/v1/invites/lookup")!.body).toEqual({ token: TOKEN });
  }, 20_000); // many steps of typing and clicking: slow on a busy machine, not a timed test

  it("says a used or expired link in the API's words, and a link without a token in its own", async () => {
    fakeControlPlane(null, (req) => req.path === "/api/v1/invites/lookup"
      ? { status: 410, body: { error: { status: 410, message: "this invitation was already used: sign in with the password chosen then" } } }
      : undefined);
    window.history.pushState({}, "", `/invite#${TOKEN}`);
    const first = render(<App />);
    expect((await screen.findByRole("alert")).textContent).toBe("this invitation was already used: sign in with the password chosen then");
    expect(screen.queryByLabelText("Password")).toBeNull();
    first.unmount();

    const sent = fakeControlPlane(null);
    window.history.pushState({}, "", "/invite");
    render(<App />);
    expect((await screen.findByRole("alert")).textContent).toContain("This link holds no invitation");
    expect(sent.length).toBe(0);
  });
});

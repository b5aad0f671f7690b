import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { App } from "../App";
import { fakeControlPlane } from "../testing";
import { render } from "@testing-library/react";

describe("sign-in", () => {
  it("signs in with email and password and shows the user's orgs", async () => {
    const sent = fakeControlPlane(null, (req) => {
      if (req.path === "/api/v1/session" && req.method === "POST") {
        return { status: 201, body: { actor: "ann@example.com", platformAdmin: false, roles: { acme: "member" },
          csrfToken: "t" } };
      }
      if (req.path === "/api/v1/orgs") {
        return { status: 200, body: [{ name: "acme", display: "Acme", policy: null, budget: null, version: 1 }] };
      }
    });
    render(<App />);
    await userEvent.type(await screen.findByLabelText("Email"), "ann@example.com");
    await userEvent.type(screen.getByLabelText("Password"), "correct horse battery");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("link", { name: "Acme" })).toBeTruthy();
    expect(screen.getByText("member")).toBeTruthy();
    const login = sent.find((s) => s.path === "/api/v1/session")!;
    expect(login.method).toBe("POST");
    expect(login.body).toEqual({ email: "ann@example.com", password: "correct horse battery" });
  });

  it("says a wrong password in words and stays on the form", async () => {
    fakeControlPlane(null, (req) => req.path === "/api/v1/session"
      ? { status: 401, body: { error: { status: 401, message: "wrong email or password" } } } : undefined);
    render(<App />);
    await userEvent.type(await screen.findByLabelText("Email"), "ann@example.com");
    await userEvent.type(screen.getByLabelText("Password"), "nope nope nope");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect((await screen.findByRole("alert")).textContent).toBe("Wrong email or password.");
    expect(screen.getByRole("button", { name: "Sign in" })).toBeTruthy();
  });

  it("passes on the wait when sign-ins are limited", async () => {
    fakeControlPlane(null, (req) => req.path === "/api/v1/session" ? { status: 429, body: { error: { status: 429,
      message: "too many failed sign-ins for ann@example.com from this address: try again in 840 seconds" } } }
      : undefined);
    render(<App />);
    await userEvent.type(await screen.findByLabelText("Email"), "ann@example.com");
    await userEvent.type(screen.getByLabelText("Password"), "whatever whatever");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    await waitFor(() => expect(screen.getByRole("alert").textContent).toContain("try again in 840 seconds"));
  });

  it("offers single sign-on when the control plane has it", async () => {
    fakeControlPlane(null, (req) => req.path === "/portal/auth/oidc"
      ? { status: 200, body: { enabled: true, start: "/portal/auth/oidc/start" } } : undefined);
    render(<App />);
    const link = await screen.findByRole("link", { name: "Sign in with SSO" });
    expect(link.getAttribute("href")).toBe("/portal/auth/oidc/start");
  });

  it("shows no single sign-on when the control plane has none", async () => {
    fakeControlPlane(null, (req) => req.path === "/portal/auth/oidc"
      ? { status: 200, body: { enabled: false, start: "/portal/auth/oidc/start" } } : undefined);
    render(<App />);
    await screen.findByLabelText("Email");
    await waitFor(() => expect(screen.queryByRole("link", { name: "Sign in with SSO" })).toBeNull());
  });
});

// Test helpers: a fake control plane behind fetch, and a page rendered as a signed-in user.
import { render } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import type { ReactNode } from "react";
import { vi } from "vitest";
import { SessionProvider, useSession } from "./session";
import type { Me } from "./api/client";

export interface Sent {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

type Handler = (sent: Sent) => { status: number; body?: unknown } | undefined;

/** Routes fetch calls to {@code handler}; returns what was sent. /api/v1/me answers {@code me}. */
export function fakeControlPlane(me: Me | null, handler: Handler = () => undefined): Sent[] {
  const sent: Sent[] = [];
  vi.stubGlobal("fetch", vi.fn(async (path: string, init: RequestInit = {}) => {
    const request: Sent = { method: init.method ?? "GET", path, headers: (init.headers ?? {}) as Record<string, string>,
      body: init.body ? JSON.parse(String(init.body)) : undefined };
    sent.push(request);
    const answer = handler(request) ?? (path === "/api/v1/me" && me ? { status: 200, body: me }
      : path === "/api/v1/me" ? { status: 401, body: { error: { status: 401, message: "missing bearer token" } } }
      : { status: 404, body: { error: { status: 404, message: `route ${path} not found` } } });
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), { status: answer.status });
  }));
  return sent;
}

export function renderSignedIn(ui: ReactNode, path = "/") {
  if (!document.cookie.includes("tollgate_csrf=")) document.cookie = "tollgate_csrf=test-csrf";
  return render(
    <MemoryRouter initialEntries={[path]}>
      <SessionProvider><WhenSignedIn>{ui}</WhenSignedIn></SessionProvider>
    </MemoryRouter>,
  );
}

function WhenSignedIn({ children }: { children: ReactNode }) {
  const { state } = useSession();
  return state.status === "signed-in" ? <>{children}</> : null;
}

export function member(org: string, role: Me["roles"][string]): Me {
  return { actor: `${role}@example.com`, platformAdmin: false, roles: { [org]: role } };
}

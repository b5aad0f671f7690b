// The control plane's REST API, as the portal uses it. Request bodies and /me are typed from
// config/openapi/control-plane.yaml (schema.d.ts is generated from it by `npm run types`, which
// the build runs first); answers the document only calls "object" are typed in ./types.ts.
import type { components } from "./schema";

export type Me = components["schemas"]["Me"];
export type Login = components["schemas"]["Login"];
export type KeyCreate = components["schemas"]["KeyCreate"];
export type KeyUpdate = components["schemas"]["KeyUpdate"];
export type Rotate = components["schemas"]["Rotate"];
export type LastUsed = components["schemas"]["LastUsed"];
export type Membership = components["schemas"]["Membership"];
export type Role = NonNullable<Me["roles"][string]>;

/** A refusal or failure, in words: the API's own message when it sent one. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fields: { path: string; reason: string }[] = [],
  ) {
    super(message);
  }
}

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** The session's CSRF token, from its (script-readable) cookie. */
export function csrfToken(): string | undefined {
  const cookie = document.cookie.split("; ").find((c) => c.startsWith("tollgate_csrf="));
  return cookie ? decodeURIComponent(cookie.substring("tollgate_csrf=".length)) : undefined;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  const csrf = csrfToken();
  if (UNSAFE.has(method) && csrf) headers["x-csrf-token"] = csrf;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiProblem(0, "The control plane cannot be reached. Check your connection and try again.");
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: described below by status
  }
  if (!response.ok) {
    const error = (json as { error?: { message?: string; fields?: { path: string; reason: string }[] } })?.error;
    throw new ApiProblem(response.status, error?.message ?? `The control plane answered ${response.status}.`,
      error?.fields ?? []);
  }
  return json as T;
}

export const session = {
  signIn: (login: Login) => api<Me & { csrfToken: string }>("POST", "/api/v1/session", login),
  signOut: () => api<void>("DELETE", "/api/v1/session"),
  me: () => api<Me>("GET", "/api/v1/me"),
};

// Invitations (POST/GET/DELETE /api/v1/orgs/{org}/invites, and the invitee's anonymous
// /api/v1/invites/lookup and /accept), typed from the OpenAPI document.
import type { components } from "./schema";
import { api, type Me } from "./client";

export type Invitation = components["schemas"]["Invitation"];
export type InvitationRequest = components["schemas"]["InvitationRequest"];
export type InvitationDetails = components["schemas"]["InvitationDetails"];

const base = (org: string) => `/api/v1/orgs/${encodeURIComponent(org)}/invites`;

export const invites = {
  list: (org: string) => api<Invitation[]>("GET", base(org)),
  create: (org: string, body: InvitationRequest) => api<Invitation>("POST", base(org), body),
  revoke: (org: string, email: string) => api<void>("DELETE", `${base(org)}/${encodeURIComponent(email)}`),
  lookup: (token: string) => api<InvitationDetails>("POST", "/api/v1/invites/lookup", { token }),
  accept: (token: string, password: string) =>
    api<Me & { csrfToken: string }>("POST", "/api/v1/invites/accept", { token, password }),
};

/** The invitation's token from the link's fragment (/invite#tgi-…); undefined when it holds none. */
export function inviteToken(hash: string): string | undefined {
  const token = hash.startsWith("#") ? hash.substring(1) : hash;
  return /^tgi-[A-Za-z0-9_-]{20,}$/.test(token) ? token : undefined;
}

/** When an invitation stops working, in words: "in 6 days", "in 3 hours", "expired". */
export function expiresIn(expiresAt: string, now: Date): string {
  const ms = new Date(expiresAt).getTime() - now.getTime();
  if (Number.isNaN(ms)) return "unknown";
  if (ms <= 0) return "expired";
  const hours = Math.floor(ms / 3_600_000);
  if (hours >= 48) return `in ${Math.floor(hours / 24)} days`;
  if (hours >= 1) return `in ${hours} hour${hours === 1 ? "" : "s"}`;
  const minutes = Math.max(1, Math.floor(ms / 60_000));
  return `in ${minutes} minute${minutes === 1 ? "" : "s"}`;
}

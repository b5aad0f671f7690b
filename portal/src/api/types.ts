// Answers the OpenAPI document describes only as "object": their shape as the control plane's
// stores build them (OrgStore.ORG_JSON, KeyStore.KEY_JSON, OrgsApi.spend).
export interface Budget {
  limitUsd: number;
  period: "day" | "month";
  spentUsd?: number;
}

export interface Org {
  name: string;
  display: string;
  policy: string | null;
  budget: Budget | null;
  version: number;
}

export interface Spend {
  org: string;
  budget: Budget | null;
  keyBudgets: { key: string; limitUsd: number; period: string; spentUsd?: number }[];
}

export interface Key {
  id: string;
  org: string;
  owner: string | null;
  prefix: string;
  models: string[];
  policy: string | null;
  limits: { requestsPerMinute?: number; tokensPerMinute?: number; maxConcurrentStreams?: number };
  budget: Budget | null;
  expiresAt: string | null;
  revoked: boolean;
  graceUntil: string | null;
  version: number;
}

export interface CreatedKey extends Key {
  secret: string;
}

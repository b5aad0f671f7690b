-- Config snapshots hold every org's budgets, limits and backend URLs: only platform admins and
-- users marked as config readers (the gateways' own identity) may read them (ADR 0013).
ALTER TABLE users ADD COLUMN config_reader boolean NOT NULL DEFAULT false;

-- Users provisioned by single sign-on: their platform-admin flag and memberships are the identity
-- provider's (claim mappings), rewritten at each token use; local users are never touched by it.
ALTER TABLE users ADD COLUMN sso boolean NOT NULL DEFAULT false;

-- Service accounts: org-scoped, non-human callers with their own tokens (ADR 0013). A rotation
-- keeps the previous token working until previous_expires_at, as a key rotation keeps its secret.
CREATE TABLE service_accounts (
  org                 text NOT NULL REFERENCES orgs(name) ON DELETE CASCADE,
  name                text NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,62}$'),
  role                text NOT NULL CHECK (role IN ('admin','member','viewer','billing')),
  description         text,
  token_hash          text NOT NULL UNIQUE,
  token_expires_at    timestamptz,
  previous_token_hash text UNIQUE,
  previous_expires_at timestamptz,
  created_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org, name)
);

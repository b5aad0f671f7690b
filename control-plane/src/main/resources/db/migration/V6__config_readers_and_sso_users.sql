-- Config snapshots hold every org's budgets, limits and backend URLs: only platform admins and
-- users marked as config readers (the gateways' own identity) may read them (ADR 0013).
ALTER TABLE users ADD COLUMN config_reader boolean NOT NULL DEFAULT false;

-- Users provisioned by single sign-on: their platform-admin flag and memberships are the identity
-- provider's (claim mappings), rewritten at each token use; local users are never touched by it.
ALTER TABLE users ADD COLUMN sso boolean NOT NULL DEFAULT false;

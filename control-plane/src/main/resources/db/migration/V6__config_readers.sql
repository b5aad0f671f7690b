-- Config snapshots hold every org's budgets, limits and backend URLs: only platform admins and
-- users marked as config readers (the gateways' own identity) may read them (ADR 0013).
ALTER TABLE users ADD COLUMN config_reader boolean NOT NULL DEFAULT false;

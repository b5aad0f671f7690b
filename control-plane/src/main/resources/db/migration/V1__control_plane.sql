-- Tollgate control plane. Names are the public ids (slugs) the gateway sees; "version" columns
-- give optimistic concurrency (an update naming a stale version gets 409).

CREATE TABLE orgs (
  name        text PRIMARY KEY CHECK (name ~ '^[A-Za-z0-9._-]{1,64}$'),
  display     text NOT NULL DEFAULT '',
  policy      text,
  budget_usd  numeric(14,6),
  budget_period text CHECK (budget_period IN ('day','month')),
  version     integer NOT NULL DEFAULT 1,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  email       text PRIMARY KEY,
  token_hash  text UNIQUE,
  platform_admin boolean NOT NULL DEFAULT false,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE memberships (
  org         text NOT NULL REFERENCES orgs(name) ON DELETE CASCADE,
  email       text NOT NULL REFERENCES users(email) ON DELETE CASCADE,
  role        text NOT NULL CHECK (role IN ('owner','admin','member','viewer','billing')),
  PRIMARY KEY (org, email)
);

CREATE TABLE limit_policies (
  name        text PRIMARY KEY CHECK (name ~ '^[A-Za-z0-9._-]{1,64}$'),
  requests_per_minute     integer CHECK (requests_per_minute >= 0),
  tokens_per_minute       integer CHECK (tokens_per_minute >= 0),
  max_concurrent_streams  integer CHECK (max_concurrent_streams >= 0),
  version     integer NOT NULL DEFAULT 1
);

ALTER TABLE orgs ADD CONSTRAINT orgs_policy_fk FOREIGN KEY (policy) REFERENCES limit_policies(name);

CREATE TABLE api_keys (
  id          text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9._-]{1,64}$'),
  org         text NOT NULL REFERENCES orgs(name) ON DELETE CASCADE,
  owner       text REFERENCES users(email) ON DELETE SET NULL,
  display_prefix text NOT NULL,
  key_hash    text NOT NULL UNIQUE,
  models      jsonb NOT NULL DEFAULT '["*"]',
  policy      text REFERENCES limit_policies(name),
  requests_per_minute     integer CHECK (requests_per_minute >= 0),
  tokens_per_minute       integer CHECK (tokens_per_minute >= 0),
  max_concurrent_streams  integer CHECK (max_concurrent_streams >= 0),
  budget_usd  numeric(14,6) CHECK (budget_usd >= 0),
  budget_period text CHECK (budget_period IN ('day','month')),
  expires_at  timestamptz,
  revoked     boolean NOT NULL DEFAULT false,
  -- Rotation: the old secret's hash stays valid until grace_until.
  rotated_from_hash text,
  grace_until timestamptz,
  version     integer NOT NULL DEFAULT 1,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX api_keys_org ON api_keys(org);

-- Prices in USD per million tokens, as the gateway's snapshot has them.
CREATE TABLE models (
  name        text PRIMARY KEY CHECK (name ~ '^[A-Za-z0-9._:/@+-]{1,128}$'),
  prompt_per_million     double precision NOT NULL CHECK (prompt_per_million >= 0),
  completion_per_million double precision NOT NULL CHECK (completion_per_million >= 0),
  version     integer NOT NULL DEFAULT 1
);

CREATE TABLE backends (
  name        text PRIMARY KEY CHECK (name ~ '^[A-Za-z0-9._-]{1,64}$'),
  url         text NOT NULL,
  labels      jsonb NOT NULL DEFAULT '{}',
  version     integer NOT NULL DEFAULT 1
);

-- A route: a model's pool of backends (weights), fallbacks and timeouts, as the gateway's snapshot.
CREATE TABLE routes (
  model       text PRIMARY KEY REFERENCES models(name),
  spec        jsonb NOT NULL,
  version     integer NOT NULL DEFAULT 1
);

-- Immutable: rows are only ever inserted.
CREATE TABLE config_versions (
  version     bigint PRIMARY KEY,
  snapshot    jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  created_by  text NOT NULL
);

-- Append-only; written in the same transaction as the change it records.
CREATE TABLE audit_log (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  actor       text NOT NULL,
  action      text NOT NULL,
  target      text NOT NULL,
  before      jsonb,
  after       jsonb,
  request_id  text NOT NULL
);
CREATE INDEX audit_log_target ON audit_log(target);

CREATE FUNCTION forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER config_versions_immutable BEFORE UPDATE OR DELETE ON config_versions
  FOR EACH ROW EXECUTE FUNCTION forbid_change();

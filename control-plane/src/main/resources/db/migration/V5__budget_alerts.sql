-- Budget alerts (ADR 0012). The gateways mark threshold crossings in Redis where spend is settled;
-- control planes relay each marker into "budget_alerts" with ON CONFLICT DO NOTHING on the unique
-- key below, so any number of instances make exactly one row per threshold, limit and period.

-- Per-budget alert thresholds, percent of the limit; NULL: the default 50, 80, 100.
ALTER TABLE orgs ADD COLUMN budget_alerts integer[];
ALTER TABLE api_keys ADD COLUMN budget_alerts integer[];

-- Where an org's alerts go. The secret (webhook signing key, or an SMTP-free nothing) is never
-- returned after creation.
CREATE TABLE alert_channels (
  org         text NOT NULL REFERENCES orgs(name) ON DELETE CASCADE,
  id          text NOT NULL CHECK (id ~ '^[A-Za-z0-9._-]{1,64}$'),
  type        text NOT NULL CHECK (type IN ('slack','teams','webhook','email')),
  target      text NOT NULL,
  secret      text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org, id)
);

CREATE TABLE budget_alerts (
  id          bigserial PRIMARY KEY,
  org         text NOT NULL REFERENCES orgs(name) ON DELETE CASCADE,
  scope       text NOT NULL CHECK (scope IN ('org','key')),
  scope_id    text NOT NULL,
  period      text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('threshold','forecast')),
  -- Percent for a threshold; 0 for the forecast (once per budget per period).
  threshold   integer NOT NULL,
  limit_micros bigint NOT NULL,
  spent_micros bigint NOT NULL,
  crossed_at  timestamptz NOT NULL,
  -- Forecast: when the budget runs out at the last 24 h's rate.
  runs_out_at timestamptz,
  period_end  timestamptz NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org, scope, scope_id, period, kind, threshold, limit_micros)
);
CREATE INDEX budget_alerts_org ON budget_alerts(org, id DESC);

-- The outbox: one row per alert and channel, worked by any instance (a lease in next_attempt_at,
-- claimed with FOR UPDATE SKIP LOCKED), retried with backoff until delivered or out of attempts.
CREATE TABLE alert_deliveries (
  alert_id    bigint NOT NULL REFERENCES budget_alerts(id) ON DELETE CASCADE,
  org         text NOT NULL,
  channel     text NOT NULL,
  status      text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','delivered','failed')),
  attempts    integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error  text,
  delivered_at timestamptz,
  PRIMARY KEY (alert_id, channel),
  FOREIGN KEY (org, channel) REFERENCES alert_channels(org, id) ON DELETE CASCADE
);
CREATE INDEX alert_deliveries_due ON alert_deliveries(next_attempt_at) WHERE status = 'pending';

-- Every attempt, for the history: when, and what came of it.
CREATE TABLE alert_attempts (
  alert_id    bigint NOT NULL,
  channel     text NOT NULL,
  attempt     integer NOT NULL,
  at          timestamptz NOT NULL DEFAULT now(),
  result      text NOT NULL CHECK (result IN ('delivered','failed')),
  reason      text,
  PRIMARY KEY (alert_id, channel, attempt),
  FOREIGN KEY (alert_id, channel) REFERENCES alert_deliveries(alert_id, channel) ON DELETE CASCADE
);

-- Spend samples per budget for the forecast alert: at most one per budget and sample slot, so
-- several instances sampling at once keep one.
CREATE TABLE spend_samples (
  org         text NOT NULL REFERENCES orgs(name) ON DELETE CASCADE,
  scope       text NOT NULL,
  scope_id    text NOT NULL,
  period      text NOT NULL,
  slot        bigint NOT NULL,
  at          timestamptz NOT NULL,
  spent_micros bigint NOT NULL,
  PRIMARY KEY (org, scope, scope_id, period, slot)
);

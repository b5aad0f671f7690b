-- Raw usage events: one row per gateway request, deduplicated by the gateway's event id.
-- Indexed, not partitioned: a partitioned table's primary key must include the partition key,
-- and the idempotent insert needs a unique event_id on its own (ON CONFLICT (event_id)).
CREATE TABLE usage_events (
  event_id            uuid             PRIMARY KEY,
  time                timestamptz      NOT NULL,
  request_id          text             NOT NULL,
  org_id              text             NOT NULL,
  key_id              text             NOT NULL,
  endpoint            text             NOT NULL,
  model_requested     text,
  model_served        text,
  backend_id          text,
  status              smallint         NOT NULL,
  error_kind          text,
  stream              boolean          NOT NULL,
  prompt_tokens       bigint           NOT NULL,
  completion_tokens   bigint           NOT NULL,
  cached_tokens       bigint           NOT NULL,
  cost_usd            numeric(24, 12)  NOT NULL,
  ttft_ms             double precision,
  latency_ms          double precision NOT NULL,
  client_disconnected boolean          NOT NULL,
  config_version      bigint           NOT NULL,
  received_at         timestamptz      NOT NULL DEFAULT now()
);

-- Usage and export of one org over a range; reliability over a range (all orgs).
CREATE INDEX usage_events_org_time ON usage_events (org_id, time);
CREATE INDEX usage_events_time ON usage_events (time);

-- Rollups, kept in the same statement as the raw insert and only for rows actually inserted,
-- so a redelivered event adds nothing. "model" is the requested model ('' when none).
-- errors: requests that ended with an error kind or a status >= 400.
CREATE TABLE usage_hourly (
  org_id            text            NOT NULL,
  bucket            timestamptz     NOT NULL,
  key_id            text            NOT NULL,
  model             text            NOT NULL,
  requests          bigint          NOT NULL,
  errors            bigint          NOT NULL,
  prompt_tokens     bigint          NOT NULL,
  completion_tokens bigint          NOT NULL,
  cached_tokens     bigint          NOT NULL,
  cost_usd          numeric(30, 12) NOT NULL,
  PRIMARY KEY (org_id, bucket, key_id, model)
);

CREATE TABLE usage_daily (LIKE usage_hourly INCLUDING ALL);

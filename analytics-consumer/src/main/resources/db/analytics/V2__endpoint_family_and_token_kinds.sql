-- The API each request called, whatever its path (chat, responses, messages, rerank, audio, ...),
-- and the token kinds the newer APIs report. Events from gateways before these fields existed
-- have none: the family is derived from the path where it is known, the counts are 0.
ALTER TABLE usage_events
  ADD COLUMN endpoint_family  text,
  ADD COLUMN reasoning_tokens bigint           NOT NULL DEFAULT 0,
  ADD COLUMN audio_seconds    double precision NOT NULL DEFAULT 0;

UPDATE usage_events SET endpoint_family = CASE endpoint
    WHEN '/v1/chat/completions' THEN 'chat'
    WHEN '/v1/completions' THEN 'completions'
    WHEN '/v1/embeddings' THEN 'embeddings'
  END
  WHERE endpoint_family IS NULL;

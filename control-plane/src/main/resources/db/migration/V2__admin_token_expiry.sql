-- Admin tokens expire (TOLLGATE_ADMIN_TOKEN_TTL). NULL: the token never expires (tokens issued
-- before this migration, or with a TTL of 0).
ALTER TABLE users ADD COLUMN token_expires_at timestamptz;

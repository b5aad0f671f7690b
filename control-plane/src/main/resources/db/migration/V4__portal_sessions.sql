-- Portal sign-in: a user may have a password (Argon2id, PHC string; NULL: token-only user), and
-- browser sessions live here, by the SHA-256 of their cookie value only (a database read does not
-- hand out live sessions). A session carries its CSRF token, which unsafe requests must echo.
ALTER TABLE users ADD COLUMN password_hash text;

CREATE TABLE sessions (
  id_hash     text PRIMARY KEY,
  email       text NOT NULL REFERENCES users(email) ON DELETE CASCADE,
  csrf_token  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL
);
CREATE INDEX sessions_email ON sessions(email);
CREATE INDEX sessions_expires_at ON sessions(expires_at);

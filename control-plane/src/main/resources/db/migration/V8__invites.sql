-- Invitations (portal, issue 16): an org owner or admin invites someone who has no user yet. The
-- link's token is random (256 bits) and only its SHA-256 is kept, as for admin tokens. One invite
-- per org and email: inviting again replaces the token (the older link stops working). An accepted
-- invite stays, marked, so that following its link again is refused as used rather than unknown.
CREATE TABLE invites (
  org          text NOT NULL REFERENCES orgs(name) ON DELETE CASCADE,
  email        text NOT NULL,
  role         text NOT NULL CHECK (role IN ('owner','admin','member','viewer','billing')),
  token_hash   text NOT NULL UNIQUE,
  invited_by   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  accepted_at  timestamptz,
  PRIMARY KEY (org, email)
);

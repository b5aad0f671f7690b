-- A key's id is its org's own: another org may name a key the same. (With ids unique across orgs,
-- a 409 on "ci" told an outsider that some org has a key called ci.)
ALTER TABLE api_keys DROP CONSTRAINT api_keys_pkey;
ALTER TABLE api_keys ADD PRIMARY KEY (org, id);
-- The primary key's index starts with org: the separate index on it is redundant.
DROP INDEX IF EXISTS api_keys_org;

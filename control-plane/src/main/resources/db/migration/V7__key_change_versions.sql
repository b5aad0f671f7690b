-- Every change of what the gateways see of a key moves one version (issue #21): the gateways' Redis
-- is a copy of these rows, and the key re-seeder compares the version Redis was last brought up to
-- (its marker <prefix>:keys:seeded) with this one. A Redis that is behind (a failover to a replica
-- that lagged, a restore of an older dump) is then caught up from the keys changed since, stale
-- live records included, instead of only the missing ones.
CREATE SEQUENCE key_change_seq;

-- The change that last touched the key: set at insert, moved by every update (trigger below),
-- including a change of the limit policy the key reads its limits from.
ALTER TABLE api_keys ADD COLUMN changed bigint NOT NULL DEFAULT nextval('key_change_seq');
CREATE INDEX api_keys_changed ON api_keys (changed);

-- Keys deleted (with their org): their records must go from a Redis that still has them.
CREATE TABLE api_key_tombstones (
  key_hash    text NOT NULL,
  changed     bigint NOT NULL DEFAULT nextval('key_change_seq'),
  deleted_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX api_key_tombstones_changed ON api_key_tombstones (changed);

-- The triggers name the sequence and tables by their schema (TG_TABLE_SCHEMA), not the session's
-- search_path: each test, and each deployment, may use its own schema.
CREATE FUNCTION api_keys_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.changed := nextval(format('%I.key_change_seq', TG_TABLE_SCHEMA)::regclass);
  RETURN NEW;
END
$$;
CREATE TRIGGER api_keys_changed BEFORE UPDATE ON api_keys FOR EACH ROW EXECUTE FUNCTION api_keys_changed();

CREATE FUNCTION api_keys_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('INSERT INTO %I.api_key_tombstones (key_hash) VALUES ($1)', TG_TABLE_SCHEMA) USING OLD.key_hash;
  IF OLD.rotated_from_hash IS NOT NULL THEN
    EXECUTE format('INSERT INTO %I.api_key_tombstones (key_hash) VALUES ($1)', TG_TABLE_SCHEMA)
      USING OLD.rotated_from_hash;
  END IF;
  RETURN OLD;
END
$$;
CREATE TRIGGER api_keys_deleted AFTER DELETE ON api_keys FOR EACH ROW EXECUTE FUNCTION api_keys_deleted();

-- A key without limits of its own reads its policy's: a policy change changes those keys' records.
CREATE FUNCTION limit_policies_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('UPDATE %I.api_keys SET changed = 0 WHERE policy = $1', TG_TABLE_SCHEMA) USING NEW.name;
  RETURN NEW;
END
$$;
CREATE TRIGGER limit_policies_changed AFTER UPDATE ON limit_policies FOR EACH ROW
  EXECUTE FUNCTION limit_policies_changed();

-- Up Migration

-- One row per partner-directory entry and exchange key it offers, kept by the triggers below.
-- Suggestions need "the most recently updated entries offering one of these keys": the GIN index
-- on directory_entries.exchange_keys finds them but not in recency order, so for a popular key
-- PostgreSQL walked the recency index and filtered thousands of rows (or sorted all matches).
-- Here each key's entries are read newest first from one B-tree, index-only, LIMIT rows each.
CREATE TABLE directory_entry_keys (
  exchange_key text NOT NULL,
  updated_at timestamptz NOT NULL,
  user_id text NOT NULL,
  server_name text NOT NULL
);
CREATE INDEX directory_entry_keys_recent_idx
  ON directory_entry_keys (exchange_key, updated_at DESC) INCLUDE (server_name, user_id);
CREATE INDEX directory_entry_keys_user_idx ON directory_entry_keys (user_id);

INSERT INTO directory_entry_keys (exchange_key, updated_at, user_id, server_name)
  SELECT DISTINCT unnest(exchange_keys), updated_at, user_id, server_name FROM directory_entries;

-- Statement-level, with transition tables: a rebuild writing 100,000 entries costs one join.
CREATE FUNCTION directory_entry_keys_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO directory_entry_keys (exchange_key, updated_at, user_id, server_name)
    SELECT DISTINCT unnest(n.exchange_keys), n.updated_at, n.user_id, n.server_name FROM added n;
  RETURN NULL;
END $$;

CREATE FUNCTION directory_entry_keys_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM directory_entry_keys k USING changed n WHERE k.user_id = n.user_id;
  INSERT INTO directory_entry_keys (exchange_key, updated_at, user_id, server_name)
    SELECT DISTINCT unnest(n.exchange_keys), n.updated_at, n.user_id, n.server_name FROM changed n;
  RETURN NULL;
END $$;

CREATE FUNCTION directory_entry_keys_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM directory_entry_keys k USING removed o WHERE k.user_id = o.user_id;
  RETURN NULL;
END $$;

CREATE TRIGGER directory_entry_keys_on_insert AFTER INSERT ON directory_entries
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION directory_entry_keys_added();
CREATE TRIGGER directory_entry_keys_on_update AFTER UPDATE ON directory_entries
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT
  EXECUTE FUNCTION directory_entry_keys_changed();
CREATE TRIGGER directory_entry_keys_on_delete AFTER DELETE ON directory_entries
  REFERENCING OLD TABLE AS removed FOR EACH STATEMENT
  EXECUTE FUNCTION directory_entry_keys_removed();

-- Down Migration

DROP TRIGGER directory_entry_keys_on_delete ON directory_entries;
DROP TRIGGER directory_entry_keys_on_update ON directory_entries;
DROP TRIGGER directory_entry_keys_on_insert ON directory_entries;
DROP FUNCTION directory_entry_keys_removed();
DROP FUNCTION directory_entry_keys_changed();
DROP FUNCTION directory_entry_keys_added();
DROP TABLE directory_entry_keys;

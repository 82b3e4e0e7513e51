-- Up Migration

-- The partner directory (PARTNER_ORGANISATIONS). Local learners who chose "also show me to
-- learners of partner organisations"; off unless a row exists.
CREATE TABLE directory_opt_ins (
  user_id text PRIMARY KEY,
  opted_in_at timestamptz NOT NULL
);

-- Directory rooms by owning server: our own (server_name = ours) and each partner's we joined.
CREATE TABLE directory_rooms (
  server_name text PRIMARY KEY,
  room_id text NOT NULL UNIQUE,
  -- The organisation's name as its bot set it on the room (cards say "from <name>").
  organisation_name text NOT NULL
);

-- What we last published for each local learner in our own directory room, and every state
-- event id that carried it: an opt-out redacts them all.
CREATE TABLE directory_publications (
  user_id text PRIMARY KEY,
  -- The entry's JSON as sent; NULL once cleared (empty content).
  content text,
  event_ids text[] NOT NULL DEFAULT '{}'
);

-- Partners' learners, as read (and trusted) from their directory rooms. Rebuilt from room state
-- whenever the bridge starts; deleted with the pairing.
CREATE TABLE directory_entries (
  user_id text PRIMARY KEY,
  server_name text NOT NULL,
  display_name text NOT NULL,
  native_languages text[] NOT NULL,
  learning jsonb NOT NULL,
  -- As profiles.exchange_keys: one array overlap finds the reciprocal entries.
  exchange_keys text[] NOT NULL,
  interests text[] NOT NULL,
  timezone text NOT NULL,
  availability jsonb NOT NULL,
  -- The partner's updated time: ranks entries as recent activity does local profiles.
  updated_at timestamptz NOT NULL
);
CREATE INDEX directory_entries_exchange_keys_idx ON directory_entries USING gin (exchange_keys)
  WITH (fastupdate = off);
CREATE INDEX directory_entries_server_idx ON directory_entries (server_name);
CREATE INDEX directory_entries_recent_idx ON directory_entries (updated_at DESC);

-- Down Migration

DROP TABLE directory_entries;
DROP TABLE directory_publications;
DROP TABLE directory_rooms;
DROP TABLE directory_opt_ins;

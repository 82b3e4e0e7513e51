-- Up Migration

-- Language profiles, keyed by Matrix user id: learners from other homeservers who talk to the
-- bot have one too. PostgreSQL is the source of truth; local users' profiles are also published
-- as Matrix profile fields.
CREATE TABLE profiles (
  user_id text PRIMARY KEY,
  display_name text NOT NULL,
  -- Canonical BCP 47 tags as entered (pt-BR).
  native_languages text[] NOT NULL,
  -- [{"language": "en", "level": "B1"}, ...]
  learning jsonb NOT NULL,
  -- Every exchange this learner offers, "<native>><learnt>" on primary subtags (pt-BR native
  -- learning en: "pt>en"). A learner who speaks N and learns L wants partners offering "L>N",
  -- so one array overlap finds exactly the reciprocal matches.
  exchange_keys text[] NOT NULL,
  interests text[] NOT NULL,
  timezone text NOT NULL,
  -- [{"day": 0, "start": "18:00", "end": "20:00"}, ...] in `timezone`
  availability jsonb NOT NULL,
  bio text NOT NULL,
  discoverable boolean NOT NULL,
  -- Copied from user_activity whenever the homeserver reports the user active, so suggestions
  -- can rank candidates without a join over every match.
  last_active_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- When the Matrix profile fields last matched this row; behind updated_at = still to publish.
  published_at timestamptz
) WITH (fillfactor = 90); -- room for HOT updates of last_active_at

-- Without the pending list, a query never has to scan recent inserts linearly; profiles change
-- rarely, so slower index updates are the cheaper side.
CREATE INDEX profiles_exchange_keys_idx ON profiles USING gin (exchange_keys)
  WITH (fastupdate = off) WHERE discoverable;
CREATE INDEX profiles_unpublished_idx ON profiles (updated_at)
  WHERE published_at IS NULL OR published_at < updated_at;

-- Presence as the homeserver pushes it to the appservice (MSC2409 ephemeral events).
CREATE TABLE user_presence (
  user_id text PRIMARY KEY,
  presence text NOT NULL CHECK (presence IN ('online', 'unavailable', 'offline')),
  updated_at timestamptz NOT NULL
);

CREATE TABLE partner_requests (
  id uuid PRIMARY KEY,
  requester text NOT NULL,
  recipient text NOT NULL CHECK (recipient <> requester),
  status text NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'accepted', 'declined', 'cancelled')),
  created_at timestamptz NOT NULL DEFAULT now(),
  decided_at timestamptz
);

-- At most one pending request per pair, whoever asked.
CREATE UNIQUE INDEX partner_requests_pending_pair_idx
  ON partner_requests (least(requester, recipient), greatest(requester, recipient))
  WHERE status = 'pending';
CREATE INDEX partner_requests_pending_recipient_idx ON partner_requests (recipient)
  WHERE status = 'pending';
CREATE INDEX partner_requests_pending_requester_idx ON partner_requests (requester)
  WHERE status = 'pending';

-- Accepted pairs, stored once with user_a < user_b. room_id is NULL until the bot has created
-- the pair's direct room (retried in the background if Synapse was unavailable).
CREATE TABLE partnerships (
  user_a text NOT NULL,
  user_b text NOT NULL,
  request_id uuid NOT NULL REFERENCES partner_requests (id),
  room_id text,
  -- Set by whichever bridge instance is creating the room, so two do not create two rooms.
  room_creation_started_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_a, user_b),
  CHECK (user_a < user_b)
);

CREATE INDEX partnerships_user_b_idx ON partnerships (user_b);
CREATE INDEX partnerships_without_room_idx ON partnerships (created_at) WHERE room_id IS NULL;

CREATE TABLE blocks (
  blocker text NOT NULL,
  blocked text NOT NULL CHECK (blocked <> blocker),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (blocker, blocked)
);

CREATE INDEX blocks_blocked_idx ON blocks (blocked);

CREATE TABLE reports (
  id uuid PRIMARY KEY,
  reporter text NOT NULL,
  reported text NOT NULL,
  reason text NOT NULL,
  event_ids text[] NOT NULL,
  room_id text,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX reports_created_at_idx ON reports (created_at DESC);

-- The bot's direct rooms with each user (where it answers commands and sends notices).
CREATE TABLE bot_direct_rooms (
  room_id text PRIMARY KEY,
  user_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX bot_direct_rooms_user_id_idx ON bot_direct_rooms (user_id, created_at DESC);

-- The numbered list `match` last showed each user, so `connect <n>` means what they saw.
CREATE TABLE bot_suggestion_lists (
  user_id text PRIMARY KEY,
  suggested_user_ids text[] NOT NULL,
  shown_at timestamptz NOT NULL
);

-- Down Migration

DROP TABLE bot_suggestion_lists;
DROP TABLE bot_direct_rooms;
DROP TABLE reports;
DROP TABLE blocks;
DROP TABLE partnerships;
DROP TABLE partner_requests;
DROP TABLE user_presence;
DROP TABLE profiles;

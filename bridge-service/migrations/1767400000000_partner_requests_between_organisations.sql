-- Up Migration

-- Requests between organisations (domain/directoryRequests.ts). The requests themselves live in
-- partner_requests on both sides, under the id the requester's bridge chose; these tables hold
-- what crosses between the bridges.

-- The rooms requests travel in: per partner, the one our bot writes ('out') and the one the
-- partner's bot writes and ours reads ('in').
CREATE TABLE partner_request_rooms (
  server_name text NOT NULL,
  direction text NOT NULL CHECK (direction IN ('out', 'in')),
  room_id text NOT NULL UNIQUE,
  PRIMARY KEY (server_name, direction)
);

-- What we owe a partner's bridge, kept until our homeserver took it: a restart or a homeserver
-- that was down loses nothing. The transaction id makes a resend one event.
CREATE TABLE partner_request_messages (
  txn_id text PRIMARY KEY,
  server_name text NOT NULL,
  event_type text NOT NULL,
  content jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  sent_at timestamptz
);
CREATE INDEX partner_request_messages_unsent_idx ON partner_request_messages (created_at)
  WHERE sent_at IS NULL;

-- Partners' events already handled: a replay (redelivery, reading the room again) is a no-op.
CREATE TABLE partner_request_events_seen (
  event_id text PRIMARY KEY,
  seen_at timestamptz NOT NULL
);

-- Partners' learners a request names, as their bot described them: names and languages for
-- request lists and the partner room, after their directory entry may be gone.
CREATE TABLE remote_learners (
  user_id text PRIMARY KEY,
  server_name text NOT NULL,
  organisation_name text NOT NULL,
  entry jsonb NOT NULL
);

-- A partner's bridge said `other_user_id` (theirs) is not available to `user_id` (ours): a block
-- there, or a full inbox. Neither is suggested to nor can ask the other again.
CREATE TABLE partner_unavailable (
  user_id text NOT NULL,
  other_user_id text NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, other_user_id)
);

-- Down Migration

DROP TABLE partner_unavailable;
DROP TABLE remote_learners;
DROP TABLE partner_request_events_seen;
DROP TABLE partner_request_messages;
DROP TABLE partner_request_rooms;

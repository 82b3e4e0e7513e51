-- Up Migration

-- Moderation between partner organisations (m.policy.rule.user). Learners this organisation
-- banned (`cli.js ban`); the bridge publishes each as a rule in its policy room.
CREATE TABLE learner_bans (
  user_id text PRIMARY KEY,
  reason text NOT NULL,
  banned_at timestamptz NOT NULL
);

-- What our policy room says about each learner we ever banned: the reason of the rule in force,
-- NULL once it was lifted (empty content). A ban whose row differs still has to be published.
CREATE TABLE policy_publications (
  user_id text PRIMARY KEY,
  reason text,
  event_id text NOT NULL
);

-- Policy rooms by owning server: our own and each partner's we joined.
CREATE TABLE policy_rooms (
  server_name text PRIMARY KEY,
  room_id text NOT NULL UNIQUE
);

-- Partners' rules, as read (and trusted) from their policy rooms: a user id or a pattern over
-- that server's users. Rebuilt from room state whenever the bridge starts.
CREATE TABLE policy_rules (
  server_name text NOT NULL,
  state_key text NOT NULL,
  entity text NOT NULL,
  reason text NOT NULL,
  PRIMARY KEY (server_name, state_key)
);

-- Down Migration

DROP TABLE policy_rules;
DROP TABLE policy_rooms;
DROP TABLE policy_publications;
DROP TABLE learner_bans;

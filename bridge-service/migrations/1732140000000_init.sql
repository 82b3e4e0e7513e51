-- Up Migration

-- Each appservice transaction id the homeserver sent us. Inserting it in the same database
-- transaction as the transaction's effects is what makes retried deliveries idempotent.
CREATE TABLE appservice_transactions (
  txn_id text PRIMARY KEY,
  received_at timestamptz NOT NULL DEFAULT now(),
  event_count int NOT NULL
);

-- Latest event each user sent in a room the bridge can see; "recently active" feeds matching.
CREATE TABLE user_activity (
  user_id text PRIMARY KEY,
  last_active_at timestamptz NOT NULL,
  last_event_id text NOT NULL
);

CREATE INDEX user_activity_last_active_at_idx ON user_activity (last_active_at DESC);

-- Down Migration

DROP TABLE user_activity;
DROP TABLE appservice_transactions;

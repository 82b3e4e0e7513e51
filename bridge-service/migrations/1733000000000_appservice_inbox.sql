-- Up Migration

-- Events a listener (the bot) must act on, stored with the transaction that delivered them and
-- deleted once handled. After a crash the bridge handles what is left here: the homeserver
-- will not resend a transaction we acknowledged.
CREATE TABLE appservice_inbox (
  event_id text PRIMARY KEY,
  seq bigserial NOT NULL,
  event jsonb NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX appservice_inbox_seq_idx ON appservice_inbox (seq);

-- Down Migration

DROP TABLE appservice_inbox;

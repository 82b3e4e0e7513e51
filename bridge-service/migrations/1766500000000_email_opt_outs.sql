-- Up Migration

-- Learners who turned a kind of the bridge's mail off, in settings or through the one-click
-- unsubscribe link in a mail. No row means the mail is on (for a verified address).
CREATE TABLE email_opt_outs (
  user_id text NOT NULL,
  kind text NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, kind)
);

-- Down Migration

DROP TABLE email_opt_outs;

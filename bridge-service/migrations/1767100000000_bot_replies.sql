-- Up Migration

-- The bot's answer to each command, saved before it is sent. A command handled again (its
-- replica died before forgetting it, and another took over) gets the same answer resent instead
-- of being run a second time: `accept` would otherwise accept the next request.
CREATE TABLE bot_replies (
  event_id text PRIMARY KEY,
  body text NOT NULL,
  formatted_body text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX bot_replies_created_at_idx ON bot_replies (created_at);

-- Down Migration

DROP TABLE bot_replies;

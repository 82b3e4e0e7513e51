-- Up Migration

-- A command the bot started: written before it acts, with the partner request it is about to
-- accept or decline. A command handled again without a saved answer (bot_replies) was cut off
-- part-way by a replica's death; this row tells the next run so, and which request the first
-- run had picked, so it finishes that one instead of acting on the next.
CREATE TABLE bot_command_runs (
  event_id text PRIMARY KEY,
  target jsonb,
  started_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX bot_command_runs_started_at_idx ON bot_command_runs (started_at);

-- Down Migration

DROP TABLE bot_command_runs;

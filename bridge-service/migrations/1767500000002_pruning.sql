-- Up Migration

-- Periodic jobs that one replica at a time should run (domain/pruning.ts): a replica takes a
-- job's turn by moving next_run_at forward in one UPDATE, so of replicas whose timers fire
-- together exactly one wins, and a replica that dies in its turn only delays the next one.
CREATE TABLE maintenance_turns (
  job text PRIMARY KEY,
  next_run_at timestamptz NOT NULL
);

-- Transactions are pruned oldest first, in batches.
CREATE INDEX appservice_transactions_received_at_idx ON appservice_transactions (received_at);

-- Down Migration

DROP INDEX appservice_transactions_received_at_idx;
DROP TABLE maintenance_turns;

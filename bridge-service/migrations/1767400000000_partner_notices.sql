-- Up Migration

-- The transactional outbox of partner notices ("X would like to practise with you", "Y
-- accepted"): a row is written in the same transaction as the request or the acceptance it
-- announces, so a bridge that dies right after the write cannot lose the notice. Every replica's
-- sender claims due rows (FOR UPDATE SKIP LOCKED) for a lease, sends with a Matrix transaction
-- id derived from the row's id, and marks them sent; a send retried after a crash is
-- deduplicated by the homeserver.
CREATE TABLE partner_notices (
  id bigserial PRIMARY KEY,
  -- No foreign key: the sender skips a notice whose request is gone, and this table stays
  -- independent of the others' migrations.
  request_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('request_received', 'request_accepted')),
  created_at timestamptz NOT NULL,
  -- NULL until the first attempt; then when the next one may start (the end of a claim's lease,
  -- or the retry after a failure).
  next_attempt_at timestamptz,
  attempts integer NOT NULL DEFAULT 0,
  sent_at timestamptz,
  given_up_at timestamptz,
  UNIQUE (request_id, kind)
);

CREATE INDEX partner_notices_pending_idx ON partner_notices (coalesce(next_attempt_at, created_at))
  WHERE sent_at IS NULL AND given_up_at IS NULL;

-- Down Migration

DROP TABLE partner_notices;

-- Up Migration

-- The outbox of partner mails (a request received, a request accepted), written in the same
-- transaction as the request or acceptance they announce, next to its partner_notices row. A row
-- says what to mail and to whom, not the mail itself: the address (Synapse's verified 3PID), the
-- learner's opt-out and the words are all looked up when it is sent. Every replica's sender
-- claims due rows (FOR UPDATE SKIP LOCKED) for a lease, sends through SMTP, and settles them;
-- a failed send is retried with a growing delay, then given up with the reason kept.
CREATE TABLE partner_mails (
  id bigserial PRIMARY KEY,
  -- No foreign key, as for partner_notices: a mail whose request is gone is skipped.
  request_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('request_received', 'request_accepted')),
  -- The learner the mail is for (the recipient of a request, the requester of an acceptance).
  user_id text NOT NULL,
  created_at timestamptz NOT NULL,
  -- NULL until the first attempt; then the end of a claim's lease or the time of the retry.
  next_attempt_at timestamptz,
  attempts integer NOT NULL DEFAULT 0,
  -- The last SMTP (or lookup) failure, without the address.
  last_error text,
  settled_at timestamptz,
  outcome text CHECK (outcome IN ('sent', 'skipped', 'given_up')),
  -- Why a mail was skipped (opted out, no verified address…) or given up.
  reason text,
  UNIQUE (request_id, kind),
  CHECK ((settled_at IS NULL) = (outcome IS NULL))
);

CREATE INDEX partner_mails_pending_idx ON partner_mails (coalesce(next_attempt_at, created_at))
  WHERE settled_at IS NULL;
CREATE INDEX partner_mails_created_at_idx ON partner_mails (created_at);

-- Down Migration

DROP TABLE partner_mails;

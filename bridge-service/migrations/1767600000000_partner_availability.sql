-- Up Migration

-- "Not available" answers from partners' bridges (partner_unavailable) come in two kinds now: one
-- that holds until the same side says otherwise (a block there, lifted by an unblock), and one
-- that lapses by itself at `expires_at` (a full inbox, a learner not shown to partners).
-- `set_by` is the partner that said it: only that partner may lift it.
ALTER TABLE partner_unavailable
  ADD COLUMN expires_at timestamptz,
  ADD COLUMN set_by text;
UPDATE partner_unavailable SET set_by = substr(other_user_id, strpos(other_user_id, ':') + 1);
ALTER TABLE partner_unavailable ALTER COLUMN set_by SET NOT NULL;
CREATE INDEX partner_unavailable_expiry_idx ON partner_unavailable (expires_at)
  WHERE expires_at IS NOT NULL;

-- Partners' learners our bridge answered "not available" because our learner's inbox was full:
-- told "available" again once it has room, as a local requester would see them return.
CREATE TABLE partner_full_inbox_answers (
  user_id text NOT NULL,
  other_user_id text NOT NULL,
  server_name text NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, other_user_id)
);
CREATE INDEX partner_full_inbox_answers_server_idx ON partner_full_inbox_answers (server_name);

-- Down Migration

DROP TABLE partner_full_inbox_answers;
DROP INDEX partner_unavailable_expiry_idx;
ALTER TABLE partner_unavailable DROP COLUMN set_by, DROP COLUMN expires_at;

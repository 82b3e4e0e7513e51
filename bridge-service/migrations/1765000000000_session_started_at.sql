-- Up Migration

-- When a family's first sign-in happened: a session ends this long after it however often it
-- is refreshed (SESSION_MAX_LIFETIME_DAYS). Every row of a family carries the same value.
ALTER TABLE refresh_tokens ADD COLUMN session_started_at timestamptz;

-- Families from before this column: the oldest token still kept is the best known start (old
-- rotated tokens are pruned after 30 days, so such sessions get a fresh lifetime at most once).
UPDATE refresh_tokens AS t
SET session_started_at = first.started_at
FROM (SELECT family_id, min(created_at) AS started_at FROM refresh_tokens GROUP BY family_id) AS first
WHERE t.family_id = first.family_id;

ALTER TABLE refresh_tokens ALTER COLUMN session_started_at SET NOT NULL;

-- Down Migration

ALTER TABLE refresh_tokens DROP COLUMN session_started_at;

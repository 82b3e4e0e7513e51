-- Up Migration

-- Activity is now dated no later than the bridge received it; rows a remote server dated in the
-- future before that are brought back to now, so nobody stays pinned to "recently active".
UPDATE user_activity SET last_active_at = now() WHERE last_active_at > now();
UPDATE profiles SET last_active_at = now() WHERE last_active_at > now();

-- Down Migration

-- Nothing to undo: the dates brought back were never true.

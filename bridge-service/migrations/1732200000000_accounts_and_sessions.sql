-- Up Migration

-- Web-client accounts. Each is also the Matrix user @<username>:<server_name>, created in the
-- same step through Synapse's shared-secret registration.
CREATE TABLE accounts (
  id uuid PRIMARY KEY,
  -- The Matrix localpart, stored lower-cased so uniqueness is case-insensitive.
  username text NOT NULL UNIQUE CHECK (username = lower(username)),
  display_name text NOT NULL,
  -- argon2id PHC string; parameters live in the string itself.
  password_hash text NOT NULL,
  role text NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'moderator', 'admin')),
  created_at timestamptz NOT NULL DEFAULT now(),
  password_changed_at timestamptz NOT NULL DEFAULT now()
);

-- Refresh tokens, rotated on every use. A family is one sign-in in one browser; it owns one
-- Matrix device. Presenting a rotated token again revokes the whole family.
CREATE TABLE refresh_tokens (
  -- SHA-256 of the opaque token; the token itself is never stored.
  token_hash bytea PRIMARY KEY,
  family_id uuid NOT NULL,
  account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  device_id text NOT NULL,
  user_agent text,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  rotated_at timestamptz,
  revoked_at timestamptz
);

CREATE INDEX refresh_tokens_family_id_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_live_by_account_idx ON refresh_tokens (account_id)
  WHERE revoked_at IS NULL;
CREATE INDEX refresh_tokens_expires_at_idx ON refresh_tokens (expires_at);

-- `jti` of each Synapse JWT login token already exchanged, kept until the token expires: the
-- login gateway accepts each token once.
CREATE TABLE synapse_login_tokens (
  jti text PRIMARY KEY,
  expires_at timestamptz NOT NULL,
  used_at timestamptz NOT NULL
);

CREATE INDEX synapse_login_tokens_expires_at_idx ON synapse_login_tokens (expires_at);

-- Fixed-window rate-limit counters, shared by every bridge instance.
CREATE TABLE rate_limit_windows (
  bucket text PRIMARY KEY,
  window_ends_at timestamptz NOT NULL,
  hits integer NOT NULL
);

CREATE INDEX rate_limit_windows_window_ends_at_idx ON rate_limit_windows (window_ends_at);

-- Down Migration

DROP TABLE rate_limit_windows;
DROP TABLE synapse_login_tokens;
DROP TABLE refresh_tokens;
DROP TABLE accounts;

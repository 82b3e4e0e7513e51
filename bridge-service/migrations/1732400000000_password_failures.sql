-- Up Migration

-- The password failure policy (domain/passwordFailures.ts): failed checks per account, per
-- address and per account-and-address, forgotten an hour after the last one.
CREATE TABLE password_failures (
  bucket text PRIMARY KEY,
  failures integer NOT NULL,
  last_failure_at timestamptz NOT NULL
);

CREATE INDEX password_failures_last_failure_at_idx ON password_failures (last_failure_at);

-- Addresses an account signed in from: others' failures on the account do not slow them down.
CREATE TABLE password_known_addresses (
  account text NOT NULL,
  address text NOT NULL,
  last_success_at timestamptz NOT NULL,
  PRIMARY KEY (account, address)
);

CREATE INDEX password_known_addresses_last_success_at_idx
  ON password_known_addresses (last_success_at);

-- Down Migration

DROP TABLE password_known_addresses;
DROP TABLE password_failures;

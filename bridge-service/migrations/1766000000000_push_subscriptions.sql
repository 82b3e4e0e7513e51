-- Up Migration

-- Browsers' Web Push subscriptions, registered by signed-in learners. The pushkey is an opaque
-- id the bridge made up and handed to the learner's browser, which sets it on its Matrix pusher:
-- the push gateway only ever sends to a subscription it can find by pushkey, so nobody can make
-- it push to an endpoint of their choosing.
CREATE TABLE push_subscriptions (
  pushkey text PRIMARY KEY,
  user_id text NOT NULL,
  endpoint text NOT NULL,
  p256dh text NOT NULL,
  auth text NOT NULL,
  created_at timestamptz NOT NULL,
  UNIQUE (user_id, endpoint)
);
CREATE INDEX push_subscriptions_user ON push_subscriptions (user_id, created_at);

-- Down Migration

DROP TABLE push_subscriptions;

-- Up Migration

-- Partner rooms made before the bot put the Xstream widget in every new room. Each bridge start
-- adds the widget to the rooms listed here that are not done yet (domain/widgetBackfill.ts),
-- once: rooms made from now on have it from their creation and are never listed.
CREATE TABLE partner_room_widget_backfill (
  room_id text PRIMARY KEY,
  -- Set by the replica working on the room; a claim older than two minutes is taken over.
  claimed_at timestamptz,
  -- Set once the room has the widget (or had one already); the row stays, so it is never redone.
  added_at timestamptz
);
CREATE INDEX partner_room_widget_backfill_pending_idx ON partner_room_widget_backfill (room_id)
  WHERE added_at IS NULL;

INSERT INTO partner_room_widget_backfill (room_id)
  SELECT DISTINCT room_id FROM partnerships WHERE room_id IS NOT NULL;

-- Down Migration

DROP TABLE partner_room_widget_backfill;

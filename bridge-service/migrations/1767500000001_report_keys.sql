-- Up Migration

-- What filed a report, when it can be filed again: the bot's `report` command, by its event id.
-- A replica that dies after writing the report and before saving its answer leaves the command
-- to be handled again (on any replica); it then finds this report instead of filing a second one
-- for the moderators. NULL for reports from the web API (one request, one report).
ALTER TABLE reports ADD COLUMN source_key text UNIQUE;

-- Down Migration

ALTER TABLE reports DROP COLUMN source_key;

-- When a session was last used, so that a session left idle ends and the sweep can delete it with
-- its guest cart. Sessions that exist already count as seen now, so the upgrade ends none of them.
ALTER TABLE sessions ADD COLUMN seen_at INTEGER NOT NULL DEFAULT 0;
UPDATE sessions SET seen_at = CAST(strftime('%s', 'now') AS INTEGER) * 1000;
CREATE INDEX sessions_seen ON sessions(seen_at);
CREATE INDEX sessions_ended ON sessions(ended_at) WHERE ended_at IS NOT NULL;

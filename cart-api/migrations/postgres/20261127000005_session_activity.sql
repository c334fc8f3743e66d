-- PostgreSQL twin of ../sqlite/20261127000005_session_activity.sql: the same columns and version, in PostgreSQL's types.
-- When a session was last used, so that a session left idle ends and the sweep can delete it with
-- its guest cart. Sessions that exist already count as seen now, so the upgrade ends none of them.
ALTER TABLE sessions ADD COLUMN seen_at BIGINT NOT NULL DEFAULT 0;
UPDATE sessions SET seen_at = CAST(EXTRACT(EPOCH FROM now()) * 1000 AS BIGINT);
CREATE INDEX sessions_seen ON sessions(seen_at);
CREATE INDEX sessions_ended ON sessions(ended_at) WHERE ended_at IS NOT NULL;

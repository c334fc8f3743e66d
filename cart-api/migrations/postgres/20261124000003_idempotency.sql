-- PostgreSQL twin of ../sqlite/20261124000003_idempotency.sql: the same tables and version, in PostgreSQL's types.
-- Answers of writes sent with an Idempotency-Key, per session, replayed on a repeat.
CREATE TABLE idempotency_keys (
    session_id TEXT NOT NULL REFERENCES sessions(id),
    key        TEXT NOT NULL,
    request    TEXT NOT NULL, -- the request as the server read it, to refuse a reused key
    response   TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (session_id, key)
);

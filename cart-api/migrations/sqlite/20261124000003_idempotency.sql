-- Answers of writes sent with an Idempotency-Key, per session, replayed on a repeat.
CREATE TABLE idempotency_keys (
    session_id TEXT NOT NULL REFERENCES sessions(id),
    key        TEXT NOT NULL,
    request    TEXT NOT NULL, -- the request as the server read it, to refuse a reused key
    response   TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (session_id, key)
);

-- PostgreSQL twin of ../sqlite/20261202000006_sign_ups.sql: the same columns and version, in PostgreSQL's types.
-- Accounts created per client address, for the per-address sign-up limit; rows older than the
-- window are swept like sign_in_failures.
CREATE TABLE sign_ups (
    address    TEXT NOT NULL,
    at         BIGINT NOT NULL
);
CREATE INDEX sign_ups_address ON sign_ups(address, at);

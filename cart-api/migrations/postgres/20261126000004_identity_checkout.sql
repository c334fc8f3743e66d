-- PostgreSQL twin of ../sqlite/20261126000004_identity_checkout.sql: the same tables and version, in PostgreSQL's types.
-- Accounts, signed-in sessions, checkout sessions, payments and orders.

CREATE TABLE users (
    id            TEXT PRIMARY KEY NOT NULL,
    email         TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL, -- argon2id PHC string; the password itself is never stored
    locale        TEXT NOT NULL DEFAULT 'en-US',
    created_at    BIGINT NOT NULL
);

-- A session is signed in when it names a user; sign-in and sign-out end the session (its id is
-- never reused) and the visitor continues in a new one.
ALTER TABLE sessions ADD COLUMN user_id TEXT REFERENCES users(id);
ALTER TABLE sessions ADD COLUMN ended_at BIGINT;

-- A guest's cart belongs to its session; a signed-in visitor's cart belongs to the account, so it
-- is there again at the next sign-in.
ALTER TABLE carts ADD COLUMN user_id TEXT REFERENCES users(id);
CREATE UNIQUE INDEX carts_user ON carts(user_id) WHERE user_id IS NOT NULL;

-- Failed sign-ins, for rate limiting per account and per client address.
CREATE TABLE sign_in_failures (
    email      TEXT NOT NULL,
    address    TEXT NOT NULL,
    at         BIGINT NOT NULL
);
CREATE INDEX sign_in_failures_email ON sign_in_failures(email, at);
CREATE INDEX sign_in_failures_address ON sign_in_failures(address, at);

-- A checkout: a snapshot of the cart's totals at its start, then an address, then a payment.
CREATE TABLE checkout_sessions (
    id           TEXT PRIMARY KEY NOT NULL,
    user_id      TEXT NOT NULL REFERENCES users(id),
    cart_id      TEXT NOT NULL REFERENCES carts(id),
    cart_version BIGINT NOT NULL,
    address      TEXT,           -- JSON, validated by the server
    payment_id   TEXT,
    order_id     TEXT,
    created_at   BIGINT NOT NULL
);
CREATE INDEX checkout_sessions_user ON checkout_sessions(user_id);

-- What the test payment provider answered. Only the last four digits of a card are kept.
CREATE TABLE payments (
    id                  TEXT PRIMARY KEY NOT NULL,
    checkout_session_id TEXT NOT NULL REFERENCES checkout_sessions(id),
    status              TEXT NOT NULL CHECK (status IN ('authorized', 'declined', 'captured')),
    amount              BIGINT NOT NULL,
    currency            TEXT NOT NULL,
    card_last4          TEXT NOT NULL,
    created_at          BIGINT NOT NULL
);

CREATE TABLE orders (
    id                  TEXT PRIMARY KEY NOT NULL,
    user_id             TEXT NOT NULL REFERENCES users(id),
    -- UNIQUE: one checkout places at most one order, however often it is submitted.
    checkout_session_id TEXT NOT NULL UNIQUE REFERENCES checkout_sessions(id),
    status              TEXT NOT NULL,
    subtotal            BIGINT NOT NULL,
    shipping            BIGINT NOT NULL,
    tax                 BIGINT NOT NULL,
    total               BIGINT NOT NULL,
    currency            TEXT NOT NULL,
    address             TEXT NOT NULL,
    card_last4          TEXT NOT NULL,
    created_at          BIGINT NOT NULL
);
CREATE INDEX orders_user ON orders(user_id, created_at);

CREATE TABLE order_lines (
    order_id   TEXT NOT NULL REFERENCES orders(id),
    position   BIGINT NOT NULL,
    product_id BIGINT NOT NULL,
    variant_id TEXT NOT NULL,
    name       TEXT NOT NULL,
    quantity   BIGINT NOT NULL,
    unit_price BIGINT NOT NULL,
    line_total BIGINT NOT NULL,
    PRIMARY KEY (order_id, position)
);

-- PostgreSQL twin of ../sqlite/20261124000001_init.sql: the same tables and version, in PostgreSQL's types.
-- The catalogue is seeded from fixtures/catalog.json at start; carts and sessions are live data.

CREATE TABLE categories (
    slug     TEXT PRIMARY KEY NOT NULL,
    name     TEXT NOT NULL,
    position BIGINT NOT NULL
);

CREATE TABLE products (
    id             BIGINT PRIMARY KEY NOT NULL,
    name           TEXT COLLATE "C" NOT NULL, -- sorted byte-wise, as SQLite does
    description    TEXT NOT NULL,
    category       TEXT NOT NULL REFERENCES categories(slug),
    price_amount   BIGINT NOT NULL CHECK (price_amount >= 0),
    price_currency TEXT NOT NULL,
    images         TEXT NOT NULL, -- JSON array of same-origin paths
    added_at       TEXT NOT NULL  -- ISO date, for the "newest" sort
);
CREATE INDEX products_category ON products(category);

CREATE TABLE variants (
    product_id BIGINT NOT NULL REFERENCES products(id),
    id         TEXT NOT NULL,
    name       TEXT NOT NULL,
    stock      BIGINT NOT NULL CHECK (stock >= 0),
    position   BIGINT NOT NULL,
    PRIMARY KEY (product_id, id)
);

CREATE TABLE sessions (
    id         TEXT PRIMARY KEY NOT NULL, -- opaque random id, the value of the session cookie
    created_at BIGINT NOT NULL
);

CREATE TABLE carts (
    id         TEXT PRIMARY KEY NOT NULL,
    session_id TEXT NOT NULL UNIQUE REFERENCES sessions(id),
    version    BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

CREATE TABLE cart_lines (
    id         TEXT PRIMARY KEY NOT NULL,
    cart_id    TEXT NOT NULL REFERENCES carts(id),
    product_id BIGINT NOT NULL,
    variant_id TEXT NOT NULL,
    quantity   BIGINT NOT NULL CHECK (quantity BETWEEN 1 AND 99),
    added_at   BIGINT NOT NULL,
    UNIQUE (cart_id, product_id, variant_id),
    FOREIGN KEY (product_id, variant_id) REFERENCES variants(product_id, id)
);

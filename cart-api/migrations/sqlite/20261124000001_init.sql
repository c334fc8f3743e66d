-- The catalogue is seeded from fixtures/catalog.json at start; carts and sessions are live data.

CREATE TABLE categories (
    slug     TEXT PRIMARY KEY NOT NULL,
    name     TEXT NOT NULL,
    position INTEGER NOT NULL
);

CREATE TABLE products (
    id             INTEGER PRIMARY KEY NOT NULL,
    name           TEXT NOT NULL,
    description    TEXT NOT NULL,
    category       TEXT NOT NULL REFERENCES categories(slug),
    price_amount   INTEGER NOT NULL CHECK (price_amount >= 0),
    price_currency TEXT NOT NULL,
    images         TEXT NOT NULL, -- JSON array of same-origin paths
    added_at       TEXT NOT NULL  -- ISO date, for the "newest" sort
);
CREATE INDEX products_category ON products(category);

CREATE TABLE variants (
    product_id INTEGER NOT NULL REFERENCES products(id),
    id         TEXT NOT NULL,
    name       TEXT NOT NULL,
    stock      INTEGER NOT NULL CHECK (stock >= 0),
    position   INTEGER NOT NULL,
    PRIMARY KEY (product_id, id)
);

CREATE TABLE sessions (
    id         TEXT PRIMARY KEY NOT NULL, -- opaque random id, the value of the session cookie
    created_at INTEGER NOT NULL
);

CREATE TABLE carts (
    id         TEXT PRIMARY KEY NOT NULL,
    session_id TEXT NOT NULL UNIQUE REFERENCES sessions(id),
    version    INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);

CREATE TABLE cart_lines (
    id         TEXT PRIMARY KEY NOT NULL,
    cart_id    TEXT NOT NULL REFERENCES carts(id),
    product_id INTEGER NOT NULL,
    variant_id TEXT NOT NULL,
    quantity   INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 99),
    added_at   INTEGER NOT NULL,
    UNIQUE (cart_id, product_id, variant_id),
    FOREIGN KEY (product_id, variant_id) REFERENCES variants(product_id, id)
);

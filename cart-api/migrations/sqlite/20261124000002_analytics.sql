-- Domain analytics events forwarded by the shell's analytics layer. No personal data.
CREATE TABLE analytics_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL,
    version     INTEGER NOT NULL,
    publisher   TEXT NOT NULL,
    shell       TEXT NOT NULL,
    route       TEXT NOT NULL,
    time        REAL NOT NULL,
    payload     TEXT NOT NULL,
    received_at INTEGER NOT NULL
);
CREATE INDEX analytics_events_name ON analytics_events(name);

//! The database: connection pool, migrations and the catalogue seed.

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use std::collections::HashMap;

use sqlx::{Any, AnyPool, Executor, Transaction};

use crate::fixture::{self, SeedProduct};

/// The pool every domain function takes. `sqlx::Any` picks SQLite or PostgreSQL from the URL, so
/// one set of queries serves both: they use `$1` parameters and SQL both dialects read.
pub type Db = AnyPool;
/// A connection or transaction handed between domain functions.
pub type Conn = sqlx::AnyConnection;
/// A write transaction holding its locks until it commits or is dropped ([`begin_write`]).
pub struct WriteTx {
    tx: Transaction<'static, Any>,
    /// On SQLite, this process's turn to write (see [`sqlite_writer`]).
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl WriteTx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }

    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        self.tx.rollback().await
    }
}

impl std::ops::Deref for WriteTx {
    type Target = Conn;

    fn deref(&self) -> &Conn {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Conn {
        &mut self.tx
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend a `DATABASE_URL` names. Only its scheme is read (or shown in the error): the
    /// rest may hold a password.
    pub fn of(url: &str) -> Result<Self, DbError> {
        let scheme = url.split(':').next().unwrap_or_default();
        Self::of_scheme(scheme).ok_or_else(|| DbError::Url(scheme.to_string()))
    }

    fn of_scheme(scheme: &str) -> Option<Self> {
        match scheme {
            "sqlite" => Some(Self::Sqlite),
            "postgres" | "postgresql" => Some(Self::Postgres),
            _ => None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("DATABASE_URL must start with sqlite: or postgres:, not {0:?}")]
    Url(String),
    #[error("the catalogue fixture is invalid: {0}")]
    Fixture(#[from] serde_json::Error),
    #[error("cannot create the database directory: {0}")]
    Io(#[from] std::io::Error),
}

/// Opens the database (creating a SQLite file if needed), migrates it and seeds the catalogue.
pub async fn connect(url: &str) -> Result<Db, DbError> {
    sqlx::any::install_default_drivers();
    let backend = Backend::of(url)?;
    let url = match backend {
        Backend::Sqlite => sqlite_url(url)?,
        Backend::Postgres => url.to_string(),
    };
    let options: AnyConnectOptions = url.parse()?;
    let pool = AnyPoolOptions::new()
        .max_connections(8)
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if backend == Backend::Sqlite {
                    // WAL lets readers run beside the writer. In WAL mode NORMAL already keeps
                    // every committed transaction when the process is killed (the WAL is written
                    // before COMMIT returns); only a power cut can lose the last ones.
                    conn.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON")
                        .await?;
                }
                Ok(())
            })
        })
        .connect_with(options)
        .await?;
    match backend {
        Backend::Sqlite => sqlx::migrate!("./migrations/sqlite").run(&pool).await?,
        Backend::Postgres => sqlx::migrate!("./migrations/postgres").run(&pool).await?,
    }
    seed_catalogue(&pool).await?;
    Ok(pool)
}

/// `url` with `mode=rwc` (create the file when missing), after creating the file's directory.
fn sqlite_url(url: &str) -> Result<String, DbError> {
    let path = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let (file, query) = path.split_once('?').unwrap_or((path, ""));
    if let Some(parent) = std::path::Path::new(file).parent() {
        if !parent.as_os_str().is_empty() && file != ":memory:" {
            std::fs::create_dir_all(parent)?;
        }
    }
    Ok(if query.contains("mode=") {
        url.to_string()
    } else if query.is_empty() {
        format!("{url}?mode=rwc")
    } else {
        format!("{url}&mode=rwc")
    })
}

/// Starts a transaction that holds the write locks of `carts` until it ends, so writes to one
/// cart that read before they write (versions, stock against the line, idempotency keys) never
/// interleave, whichever cart-api process they reach.
///
/// SQLite has one writer anyway; `IMMEDIATE` takes its lock up front instead of failing when a
/// reader must upgrade. On PostgreSQL each cart has a transaction-scoped advisory lock, so writes
/// to different carts run side by side; each writer also holds the store-wide lock shared, which
/// [`begin_exclusive`] takes to wait them all out. Locks are taken in one order (store, then cart
/// keys sorted), so two writers never wait on each other in a circle.
pub async fn begin_write(db: &Db, carts: &[&str]) -> Result<WriteTx, sqlx::Error> {
    let mut keys: Vec<i32> = carts.iter().map(|cart| cart_lock(cart)).collect();
    keys.sort_unstable();
    keys.dedup();
    begin(db, Some(&keys)).await
}

/// Starts a transaction that no other write runs beside: for maintenance over many carts.
pub async fn begin_exclusive(db: &Db) -> Result<WriteTx, sqlx::Error> {
    begin(db, None).await
}

async fn begin(db: &Db, cart_keys: Option<&[i32]>) -> Result<WriteTx, sqlx::Error> {
    if backend_of(db) == Backend::Sqlite {
        let turn = sqlite_writer(db).lock_owned().await;
        return Ok(WriteTx { tx: db.begin_with("BEGIN IMMEDIATE").await?, _turn: Some(turn) });
    }
    let mut tx = db.begin().await?;
    let Some(cart_keys) = cart_keys else {
        sqlx::query("SELECT 1 FROM pg_advisory_xact_lock($1)").bind(STORE_LOCK).execute(&mut *tx).await?;
        return Ok(WriteTx { tx, _turn: None });
    };
    sqlx::query("SELECT 1 FROM pg_advisory_xact_lock_shared($1)").bind(STORE_LOCK).execute(&mut *tx).await?;
    for key in cart_keys {
        sqlx::query("SELECT 1 FROM pg_advisory_xact_lock($1, $2)")
            .bind(CART_LOCKS)
            .bind(*key)
            .execute(&mut *tx)
            .await?;
    }
    Ok(WriteTx { tx, _turn: None })
}

/// The writers of one SQLite database in this process take turns here, in order, before
/// `BEGIN IMMEDIATE`. SQLite has one writer anyway, but a connection that finds the lock taken
/// waits in SQLite's busy handler, which sleeps in steps of up to 100 ms: under a burst of
/// writes that sleeping, not the writing, was most of an add's time. Other processes on the
/// same file still meet the busy handler, as before.
fn sqlite_writer(db: &Db) -> std::sync::Arc<tokio::sync::Mutex<()>> {
    static WRITERS: std::sync::LazyLock<std::sync::Mutex<HashMap<String, std::sync::Arc<tokio::sync::Mutex<()>>>>> =
        std::sync::LazyLock::new(Default::default);
    let database = db.connect_options().database_url.to_string();
    let mut writers = WRITERS.lock().unwrap_or_else(|e| e.into_inner());
    writers.entry(database).or_default().clone()
}

/// The store-wide advisory lock ("cartapi!" as bytes): any constant other programs sharing the
/// database do not use. PostgreSQL keeps one-key and two-key advisory locks apart.
const STORE_LOCK: i64 = 0x6361_7274_6170_6921;
/// The first key of every cart's advisory lock ("cart"); the second is [`cart_lock`].
const CART_LOCKS: i32 = 0x6361_7274;

/// A cart's lock key: FNV-1a of its id, folded to 32 bits. Two carts that share a key only wait
/// for each other; nothing else goes wrong.
fn cart_lock(cart_id: &str) -> i32 {
    let hash = cart_id.bytes().fold(0x811c_9dc5_u32, |hash, byte| (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193));
    hash as i32
}

/// The pool's backend; `connect` accepted only URLs that name one.
fn backend_of(db: &Db) -> Backend {
    Backend::of_scheme(db.connect_options().database_url.scheme()).unwrap_or(Backend::Postgres)
}

/// Brings the catalogue in line with `fixtures/catalog.json`. Stock is live data, so an existing
/// variant keeps its stock.
async fn seed_catalogue(pool: &Db) -> Result<(), DbError> {
    let fixture = fixture::catalogue()?;
    let mut tx = pool.begin().await?;
    for (position, c) in fixture.categories.iter().enumerate() {
        sqlx::query(
            "INSERT INTO categories (slug, name, position) VALUES ($1, $2, $3)
             ON CONFLICT(slug) DO UPDATE SET name = excluded.name, position = excluded.position",
        )
        .bind(&c.slug)
        .bind(&c.name)
        .bind(position as i64)
        .execute(&mut *tx)
        .await?;
    }
    for SeedProduct { product: p, added_at } in &fixture.products {
        sqlx::query(
            "INSERT INTO products (id, name, description, category, price_amount, price_currency, images, added_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT(id) DO UPDATE SET name = excluded.name, description = excluded.description,
               category = excluded.category, price_amount = excluded.price_amount,
               price_currency = excluded.price_currency, images = excluded.images, added_at = excluded.added_at",
        )
        .bind(i64::from(p.id))
        .bind(&p.name)
        .bind(&p.description)
        .bind(&p.category)
        .bind(p.price.amount)
        .bind(&p.price.currency)
        .bind(serde_json::to_string(&p.images)?)
        .bind(added_at)
        .execute(&mut *tx)
        .await?;
        for (position, v) in p.variants.iter().enumerate() {
            sqlx::query(
                "INSERT INTO variants (product_id, id, name, stock, position) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT(product_id, id) DO UPDATE SET name = excluded.name, position = excluded.position",
            )
            .bind(i64::from(p.id))
            .bind(&v.id)
            .bind(&v.name)
            .bind(i64::from(v.stock))
            .bind(position as i64)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// A migrated store of a unit test's own: a SQLite file, or a PostgreSQL database under
/// `cargo xtask test --postgres`. The directory and the database live as long as they are held.
#[cfg(test)]
pub(crate) async fn test_store() -> (tempfile::TempDir, test_support::TestDatabase, Db) {
    let dir = tempfile::TempDir::new().unwrap();
    let database = test_support::TestDatabase::fresh(&dir.path().join("store.db")).await;
    let db = connect(&database.url).await.unwrap();
    crate::domain::identity::seed_demo_account(&db).await.unwrap();
    (dir, database, db)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn the_url_names_the_backend() {
        assert_eq!(Backend::of("sqlite://data/store.db").unwrap(), Backend::Sqlite);
        assert_eq!(Backend::of("postgres://shop@db.internal/shop").unwrap(), Backend::Postgres);
        assert_eq!(Backend::of("postgresql://shop@db.internal/shop").unwrap(), Backend::Postgres);
        assert!(Backend::of("mysql://x/y").is_err());
        assert!(Backend::of("data/store.db").is_err());
        match Backend::of("mysql://root:hunter2@db/shop") {
            Err(e) => assert!(!e.to_string().contains("hunter2"), "{e}"),
            Ok(b) => panic!("{b:?}"),
        }
    }

    #[test]
    fn a_sqlite_file_is_created_when_missing() {
        let dir = tempfile::TempDir::new().unwrap();
        let url = format!("sqlite://{}/nested/store.db", dir.path().display());
        assert_eq!(sqlite_url(&url).unwrap(), format!("{url}?mode=rwc"));
        assert!(dir.path().join("nested").is_dir());
        assert_eq!(sqlite_url(&format!("{url}?mode=ro")).unwrap(), format!("{url}?mode=ro"));
    }

    /// A store migrated by an older cart-api, then opened by this one: the migrations it already
    /// has are recognised (same files, same checksums) and the new ones apply to its data.
    #[tokio::test]
    async fn an_older_store_upgrades_without_ending_its_sessions() {
        let dir = tempfile::TempDir::new().unwrap();
        let database = test_support::TestDatabase::fresh(&dir.path().join("store.db")).await;
        let backend = Backend::of(&database.url).unwrap();
        let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations").join(match backend {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        });
        let older = dir.path().join("older");
        std::fs::create_dir(&older).unwrap();
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.file_name().unwrap().to_string_lossy().as_ref() < "20261127000005" {
                std::fs::copy(&path, older.join(path.file_name().unwrap())).unwrap();
            }
        }
        let url = match backend {
            Backend::Sqlite => sqlite_url(&database.url).unwrap(),
            Backend::Postgres => database.url.clone(),
        };
        sqlx::any::install_default_drivers();
        let pool = AnyPool::connect(&url).await.unwrap();
        sqlx::migrate::Migrator::new(older.as_path()).await.unwrap().run(&pool).await.unwrap();
        sqlx::query("INSERT INTO sessions (id, created_at) VALUES ('opened-long-ago', 0)")
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;

        let before = crate::clock::now_millis();
        let db = connect(&database.url).await.unwrap();
        let seen: i64 = sqlx::query_scalar("SELECT seen_at FROM sessions WHERE id = 'opened-long-ago'")
            .fetch_one(&db)
            .await
            .unwrap();
        assert!(seen >= before - 1_000, "the upgrade counts the session as seen now, not at {seen}");
    }

    /// On PostgreSQL, a write waits only for writes to its own cart, and maintenance waits for
    /// every write. Waiting is read from `pg_locks`, not from a clock. SQLite has one writer, so
    /// there is nothing to show there; `cargo xtask test --postgres` runs this on PostgreSQL.
    #[tokio::test]
    async fn a_write_waits_only_for_its_own_cart() {
        let (_dir, _database, db) = test_store().await;
        if backend_of(&db) == Backend::Sqlite {
            return;
        }
        let waiting = |db: Db| async move {
            loop {
                let waiting: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
                     AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
                )
                .fetch_one(&db)
                .await
                .unwrap();
                if waiting > 0 {
                    return waiting;
                }
                tokio::task::yield_now().await;
            }
        };
        // A guard against hanging, not a measurement.
        let guard = std::time::Duration::from_secs(60);

        let first = begin_write(&db, &["cart_a"]).await.unwrap();
        let other = tokio::time::timeout(guard, begin_write(&db, &["cart_b", "cart_c"])).await;
        let other = other.expect("a write to other carts does not wait").unwrap();
        other.commit().await.unwrap();

        let same = tokio::spawn({
            let db = db.clone();
            async move { begin_write(&db, &["cart_b", "cart_a"]).await.unwrap().commit().await.unwrap() }
        });
        assert_eq!(
            tokio::time::timeout(guard, waiting(db.clone())).await.unwrap(),
            1,
            "a write to the same cart waits"
        );
        first.commit().await.unwrap();
        tokio::time::timeout(guard, same).await.unwrap().unwrap();

        let writer = begin_write(&db, &["cart_a"]).await.unwrap();
        let maintenance = tokio::spawn({
            let db = db.clone();
            async move { begin_exclusive(&db).await.unwrap().commit().await.unwrap() }
        });
        assert_eq!(tokio::time::timeout(guard, waiting(db.clone())).await.unwrap(), 1, "maintenance waits for writes");
        writer.commit().await.unwrap();
        tokio::time::timeout(guard, maintenance).await.unwrap().unwrap();
    }
}

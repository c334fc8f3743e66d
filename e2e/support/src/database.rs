//! A test's own database: a SQLite file, or, when `TEST_POSTGRES_URL` names a PostgreSQL server,
//! a database of its own on that server, dropped when the test ends. The browser journeys and
//! cart-api's HTTP tests both take theirs from here, so both suites run on both databases alike.

use std::path::{Path, PathBuf};

/// The environment variable naming the PostgreSQL server (`cargo xtask test --postgres` sets it).
pub const POSTGRES_ENV: &str = "TEST_POSTGRES_URL";

pub struct TestDatabase {
    /// What cart-api's `DATABASE_URL` is set to.
    pub url: String,
    /// The SQLite file, when the database is one.
    sqlite_file: Option<PathBuf>,
    /// The server's URL and the database's name, on PostgreSQL.
    postgres: Option<(String, String)>,
}

impl TestDatabase {
    /// A new, empty database: `sqlite_file` (created by cart-api), or one on the PostgreSQL server
    /// of [`POSTGRES_ENV`] when that is set.
    pub async fn fresh(sqlite_file: &Path) -> TestDatabase {
        let Ok(server) = std::env::var(POSTGRES_ENV) else {
            let url = format!("sqlite://{}", sqlite_file.display());
            return TestDatabase { url, sqlite_file: Some(sqlite_file.to_path_buf()), postgres: None };
        };
        use sqlx::Connection;
        let name = format!("test_{}", random_hex());
        let mut admin =
            sqlx::PgConnection::connect(&server).await.expect("the PostgreSQL server of TEST_POSTGRES_URL answers");
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.expect("a test database");
        let _ = admin.close().await;
        // The server's URL with its database name replaced.
        let (base, query) = server.split_once('?').map_or((server.as_str(), None), |(b, q)| (b, Some(q)));
        let prefix =
            base.rsplit_once('/').filter(|(p, _)| p.contains("://") && !p.ends_with('/')).map_or(base, |(p, _)| p);
        let url = match query {
            Some(query) => format!("{prefix}/{name}?{query}"),
            None => format!("{prefix}/{name}"),
        };
        TestDatabase { url, sqlite_file: None, postgres: Some((server, name)) }
    }

    /// Whether `needle` is anywhere in the stored data: every byte of the SQLite file and its
    /// write-ahead log (free pages and old row versions included), or on PostgreSQL, whose files
    /// belong to its server, every row of every table read as text.
    pub async fn holds(&self, needle: &str) -> bool {
        if let Some(file) = &self.sqlite_file {
            let mut bytes = std::fs::read(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            let mut wal = file.clone().into_os_string();
            wal.push("-wal");
            bytes.extend(std::fs::read(wal).unwrap_or_default());
            return bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
        }
        use sqlx::{Connection, Row};
        let mut db = sqlx::PgConnection::connect(&self.url).await.expect("the test database");
        let tables =
            sqlx::query("SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'")
                .fetch_all(&mut db)
                .await
                .expect("the tables");
        assert!(tables.len() > 5, "the store's tables");
        for table in tables {
            let table: String = table.get(0);
            let rows = sqlx::query(&format!("SELECT CAST(t AS TEXT) FROM \"{table}\" t"))
                .fetch_all(&mut db)
                .await
                .expect("rows");
            if rows.iter().any(|row| row.get::<String, _>(0).contains(needle)) {
                return true;
            }
        }
        false
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some((server, name)) = self.postgres.take() else { return };
        // Drop runs inside the test's runtime, which cannot be blocked on: use a thread of its own.
        let dropped = std::thread::spawn(move || {
            use sqlx::Connection;
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
            runtime.block_on(async {
                if let Ok(mut admin) = sqlx::PgConnection::connect(&server).await {
                    // FORCE: the server under test may still hold connections.
                    let _ =
                        sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut admin).await;
                }
            });
        });
        let _ = dropped.join();
    }
}

/// 16 hex characters that differ between calls and processes.
fn random_hex() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
    format!("{:016x}", hasher.finish())
}

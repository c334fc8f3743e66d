//! Rows that matter only for a while: failed sign-ins count within the rate-limit window, and an
//! idempotency key guards against retries, which come within minutes. Both are deleted once they
//! can no longer change an answer, so the tables do not grow with the store's age. Every
//! cart-api process sweeps; a sweep is a pair of idempotent deletes, so replicas need no
//! coordination.

use std::time::Duration;

use super::identity::FAILURE_WINDOW_MS;
use crate::db::Db;
use crate::error::ApiError;

/// How long an idempotency key replays its first answer.
pub const IDEMPOTENCY_KEY_LIFETIME_MS: i64 = 24 * 60 * 60 * 1000;
/// How often each process sweeps.
pub const SWEEP_EVERY: Duration = Duration::from_secs(10 * 60);

/// What one sweep deleted.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub sign_in_failures: u64,
    pub idempotency_keys: u64,
}

/// Deletes what is too old to matter at `now` (milliseconds since the epoch).
pub async fn sweep(db: &Db, now: i64) -> Result<Swept, ApiError> {
    let failures = sqlx::query("DELETE FROM sign_in_failures WHERE at <= $1")
        .bind(now - FAILURE_WINDOW_MS)
        .execute(db)
        .await?;
    let keys = sqlx::query("DELETE FROM idempotency_keys WHERE created_at <= $1")
        .bind(now - IDEMPOTENCY_KEY_LIFETIME_MS)
        .execute(db)
        .await?;
    Ok(Swept { sign_in_failures: failures.rows_affected(), idempotency_keys: keys.rows_affected() })
}

/// Sweeps every [`SWEEP_EVERY`] for as long as the server runs.
pub async fn run(db: Db) {
    let mut every = tokio::time::interval(SWEEP_EVERY);
    loop {
        every.tick().await;
        match sweep(&db, super::now_millis()).await {
            Ok(swept) if swept != Swept::default() => tracing::info!(?swept, "old rows deleted"),
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "sweeping old rows failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn only_rows_past_their_use_are_deleted() {
        let dir = tempfile::TempDir::new().unwrap();
        let db = crate::db::connect(&format!("sqlite://{}/store.db", dir.path().display())).await.unwrap();
        let now = 10 * IDEMPOTENCY_KEY_LIFETIME_MS;
        sqlx::query("INSERT INTO sessions (id, created_at) VALUES ('s', 0)").execute(&db).await.unwrap();
        for (at, email) in [(now - FAILURE_WINDOW_MS - 1, "old"), (now - FAILURE_WINDOW_MS + 1, "recent")] {
            sqlx::query("INSERT INTO sign_in_failures (email, address, at) VALUES ($1, '127.0.0.1', $2)")
                .bind(email)
                .bind(at)
                .execute(&db)
                .await
                .unwrap();
        }
        for (at, key) in [(now - IDEMPOTENCY_KEY_LIFETIME_MS, "old"), (now - 60_000, "recent")] {
            sqlx::query("INSERT INTO idempotency_keys (session_id, key, request, response, created_at) VALUES ('s', $1, '', '', $2)")
                .bind(key)
                .bind(at)
                .execute(&db)
                .await
                .unwrap();
        }
        assert_eq!(sweep(&db, now).await.unwrap(), Swept { sign_in_failures: 1, idempotency_keys: 1 });
        let failures: Vec<String> = sqlx::query_scalar("SELECT email FROM sign_in_failures").fetch_all(&db).await.unwrap();
        let keys: Vec<String> = sqlx::query_scalar("SELECT key FROM idempotency_keys").fetch_all(&db).await.unwrap();
        assert_eq!((failures, keys), (vec!["recent".to_string()], vec!["recent".to_string()]));
        assert_eq!(sweep(&db, now).await.unwrap(), Swept::default(), "a second sweep finds nothing");
    }
}

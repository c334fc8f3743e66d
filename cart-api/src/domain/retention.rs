//! Rows that matter only for a while: failed sign-ins and sign-ups count within the rate-limit window, an
//! idempotency key guards against retries, which come within minutes, and a session ends when it
//! is signed out of or left idle. Each is deleted once it can no longer change an answer, so the
//! tables do not grow with the store's age. Every cart-api process sweeps; a sweep is idempotent
//! deletes, so replicas need no coordination.

use std::time::Duration;

use super::error::DomainError;
use super::identity::FAILURE_WINDOW_MS;
use crate::db::Db;
use crate::session::IDLE_LIFETIME_MS;

/// How long an idempotency key replays its first answer.
pub const IDEMPOTENCY_KEY_LIFETIME_MS: i64 = 24 * 60 * 60 * 1000;
/// How long a session is kept after it ended or went idle. A request that read the session just
/// before its end may still be writing to its cart; a day is far longer than any request.
pub const SESSION_GRACE_MS: i64 = 24 * 60 * 60 * 1000;
/// How often each process sweeps.
pub const SWEEP_EVERY: Duration = Duration::from_secs(10 * 60);

/// What one sweep deleted.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub sign_in_failures: u64,
    pub sign_ups: u64,
    pub idempotency_keys: u64,
    pub sessions: u64,
    pub guest_carts: u64,
}

/// Sessions past their grace: `$1` is the latest end, `$2` the latest last use, that is past it.
const OVER: &str = "SELECT id FROM sessions WHERE (ended_at IS NOT NULL AND ended_at <= $1) OR seen_at <= $2";

/// Deletes what is too old to matter at `now` (milliseconds since the epoch).
pub async fn sweep(db: &Db, now: i64) -> Result<Swept, DomainError> {
    let failures =
        sqlx::query("DELETE FROM sign_in_failures WHERE at <= $1").bind(now - FAILURE_WINDOW_MS).execute(db).await?;
    let sign_ups = sqlx::query("DELETE FROM sign_ups WHERE at <= $1").bind(now - FAILURE_WINDOW_MS).execute(db).await?;
    let keys = sqlx::query("DELETE FROM idempotency_keys WHERE created_at <= $1")
        .bind(now - IDEMPOTENCY_KEY_LIFETIME_MS)
        .execute(db)
        .await?;
    let (sessions, guest_carts) = sweep_sessions(db, now).await?;
    Ok(Swept {
        sign_in_failures: failures.rows_affected(),
        sign_ups: sign_ups.rows_affected(),
        idempotency_keys: keys.rows_affected(),
        sessions,
        guest_carts,
    })
}

/// Deletes the sessions that are over, with their idempotency keys and guest carts. An account's
/// cart outlives the session it was started in, so that session stays for the cart to refer to.
async fn sweep_sessions(db: &Db, now: i64) -> Result<(u64, u64), DomainError> {
    let (ended, idle) = (now - SESSION_GRACE_MS, now - IDLE_LIFETIME_MS - SESSION_GRACE_MS);
    let guest_carts = format!("SELECT id FROM carts WHERE user_id IS NULL AND session_id IN ({OVER})");
    let mut tx = crate::db::begin_exclusive(db).await?;
    let mut deleted = Vec::new();
    for statement in [
        format!("DELETE FROM idempotency_keys WHERE session_id IN ({OVER})"),
        format!("DELETE FROM cart_lines WHERE cart_id IN ({guest_carts})"),
        format!("DELETE FROM carts WHERE id IN ({guest_carts})"),
        format!("DELETE FROM sessions WHERE id IN ({OVER}) AND id NOT IN (SELECT session_id FROM carts)"),
    ] {
        let done = sqlx::query(&statement).bind(ended).bind(idle).execute(&mut *tx).await?;
        deleted.push(done.rows_affected());
    }
    tx.commit().await?;
    Ok((deleted[3], deleted[2]))
}

/// Sweeps every [`SWEEP_EVERY`] until `stop` turns true. A sweep under way is finished first: its
/// transaction is not cut, so the database is closed with nothing half done.
pub async fn run(db: Db, mut stop: tokio::sync::watch::Receiver<bool>) {
    let mut every = tokio::time::interval(SWEEP_EVERY);
    loop {
        tokio::select! {
            _ = every.tick() => {}
            _ = stop.wait_for(|stopped| *stopped) => return,
        }
        match sweep(&db, crate::clock::now_millis()).await {
            Ok(swept) if swept != Swept::default() => tracing::info!(?swept, "old rows deleted"),
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "sweeping old rows failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::test_store as store;

    /// The values of `column` in `table`, in order.
    async fn column(db: &Db, table: &str, column: &str) -> Vec<String> {
        sqlx::query_scalar(&format!("SELECT {column} FROM {table} ORDER BY {column}")).fetch_all(db).await.unwrap()
    }

    #[tokio::test]
    async fn only_rows_past_their_use_are_deleted() {
        let (_dir, _database, db) = store().await;
        let now = 10 * IDEMPOTENCY_KEY_LIFETIME_MS;
        sqlx::query("INSERT INTO sessions (id, created_at, seen_at) VALUES ('s', 0, $1)")
            .bind(now)
            .execute(&db)
            .await
            .unwrap();
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
        let swept = sweep(&db, now).await.unwrap();
        assert_eq!(swept, Swept { sign_in_failures: 1, idempotency_keys: 1, ..Swept::default() });
        assert_eq!(column(&db, "sign_in_failures", "email").await, ["recent"]);
        assert_eq!(column(&db, "idempotency_keys", "key").await, ["recent"]);
        assert_eq!(sweep(&db, now).await.unwrap(), Swept::default(), "a second sweep finds nothing");
    }

    #[tokio::test]
    async fn sessions_that_are_over_go_with_their_guest_carts_and_keys() {
        let (_dir, _database, db) = store().await;
        let now = 100 * IDLE_LIFETIME_MS;
        let (product, variant): (i64, String) =
            sqlx::query_as("SELECT product_id, id FROM variants ORDER BY product_id, position LIMIT 1")
                .fetch_one(&db)
                .await
                .unwrap();
        let user: String = sqlx::query_scalar("SELECT id FROM users LIMIT 1").fetch_one(&db).await.unwrap();
        // (session, last use, end, the cart's account): each session has a cart with one line and a key.
        let sessions = [
            ("in-use", now - 60_000, None, None),
            ("idle-within-grace", now - IDLE_LIFETIME_MS, None, None),
            ("ended-within-grace", now, Some(now - 60_000), None),
            ("idle", now - IDLE_LIFETIME_MS - SESSION_GRACE_MS, None, None),
            ("ended", now, Some(now - SESSION_GRACE_MS), None),
            ("idle-with-account-cart", 0, None, Some(user.as_str())),
        ];
        for (id, seen_at, ended_at, account) in sessions {
            sqlx::query("INSERT INTO sessions (id, created_at, seen_at, ended_at) VALUES ($1, 0, $2, $3)")
                .bind(id)
                .bind(seen_at)
                .bind(ended_at)
                .execute(&db)
                .await
                .unwrap();
            sqlx::query("INSERT INTO carts (id, session_id, user_id, created_at) VALUES ($1, $1, $2, 0)")
                .bind(id)
                .bind(account)
                .execute(&db)
                .await
                .unwrap();
            sqlx::query("INSERT INTO cart_lines (id, cart_id, product_id, variant_id, quantity, added_at) VALUES ($1, $1, $2, $3, 1, 0)")
                .bind(id)
                .bind(product)
                .bind(&variant)
                .execute(&db)
                .await
                .unwrap();
            sqlx::query("INSERT INTO idempotency_keys (session_id, key, request, response, created_at) VALUES ($1, 'k', '', '', $2)")
                .bind(id)
                .bind(now)
                .execute(&db)
                .await
                .unwrap();
        }

        let swept = sweep(&db, now).await.unwrap();

        assert_eq!((swept.sessions, swept.guest_carts), (2, 2), "{swept:?}");
        let kept = ["ended-within-grace", "idle-with-account-cart", "idle-within-grace", "in-use"];
        assert_eq!(column(&db, "sessions", "id").await, kept);
        assert_eq!(column(&db, "carts", "id").await, kept);
        assert_eq!(column(&db, "cart_lines", "cart_id").await, kept);
        assert_eq!(
            column(&db, "idempotency_keys", "session_id").await,
            ["ended-within-grace", "idle-within-grace", "in-use"],
            "a session that is over replays nothing, even one kept for its account's cart"
        );
        assert_eq!(sweep(&db, now).await.unwrap(), Swept::default(), "a second sweep finds nothing");
    }
}

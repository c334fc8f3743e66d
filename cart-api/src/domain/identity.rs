//! Accounts and signing in. Passwords are kept as argon2id hashes; failed attempts are counted
//! per account and per client address so guessing is slow. Signing in takes both carts' locks
//! and brings the guest's cart into the account's, in one transaction.

use crate::db::{Conn, Db, WriteTx};

use super::cart::QUANTITY_RANGE;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use contracts::context::IdentitySummary;

use super::error::{Conflict, DomainError};
use crate::clock::now_millis;
use crate::ids::new_id;
use crate::overload::Gate;
use crate::session::Session;

/// The seeded account named in the README, so the demo can be tried at once.
pub const DEMO_EMAIL: &str = "demo@shop.test";
pub const DEMO_PASSWORD: &str = "demo-password";
const DEMO_NAME: &str = "Demo Shopper";

/// Failed sign-ins allowed per account, and per client address, within [`FAILURE_WINDOW_MS`].
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
pub const MAX_FAILURES_PER_ADDRESS: i64 = 20;
pub const FAILURE_WINDOW_MS: i64 = 15 * 60 * 1000;
/// New accounts allowed per client address within [`FAILURE_WINDOW_MS`]: each costs a password
/// hash, the most expensive thing a stranger can make this server do.
pub const MAX_SIGN_UPS_PER_ADDRESS: i64 = 10;

/// A hash that no password matches, verified when the account does not exist so that both
/// answers take as long and do not tell which e-mail addresses have accounts.
const NO_ACCOUNT_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0JMMnkUjWJX5vD6QHrh6wJkZ/YAmXDqQXuKPdGTYxdY";

pub fn hash_password(password: &str) -> Result<String, DomainError> {
    let salt =
        SaltString::encode_b64(&rand::random::<[u8; 16]>()).map_err(|e| DomainError::PasswordHash(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| DomainError::PasswordHash(e.to_string()))
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// Creates the demo account when it is missing.
pub async fn seed_demo_account(db: &Db) -> Result<(), DomainError> {
    let exists: Option<String> =
        sqlx::query_scalar("SELECT id FROM users WHERE email = $1").bind(DEMO_EMAIL).fetch_optional(db).await?;
    if exists.is_some() {
        return Ok(());
    }
    let hash = tokio::task::spawn_blocking(|| hash_password(DEMO_PASSWORD))
        .await
        .map_err(|e| DomainError::PasswordHash(e.to_string()))??;
    sqlx::query(
        "INSERT INTO users (id, email, display_name, password_hash, locale, created_at) VALUES ($1, $2, $3, $4, 'en-US', $5)
         ON CONFLICT(email) DO NOTHING",
    )
    .bind(new_id("usr", 8))
    .bind(DEMO_EMAIL)
    .bind(DEMO_NAME)
    .bind(hash)
    .bind(now_millis())
    .execute(db)
    .await?;
    Ok(())
}

/// What a remote may know about the visitor of `session`.
pub async fn summary(db: &Db, session: Option<&Session>) -> Result<IdentitySummary, DomainError> {
    let Some(user_id) = session.and_then(|s| s.user_id.as_deref()) else {
        return Ok(IdentitySummary::default());
    };
    let found: Option<(String, String)> =
        sqlx::query_as("SELECT display_name, locale FROM users WHERE id = $1").bind(user_id).fetch_optional(db).await?;
    Ok(match found {
        Some((display_name, locale)) => IdentitySummary {
            user_id: Some(user_id.to_string()),
            display_name: Some(display_name),
            roles: vec!["customer".into()],
            locale: Some(locale),
            logged_in: true,
        },
        None => IdentitySummary::default(),
    })
}

/// Checks the credentials and, when they hold, ends `previous` and starts a signed-in session,
/// bringing the guest cart of `previous` into the account's cart.
pub async fn sign_in(
    db: &Db,
    hashing: &Gate,
    previous: Option<Session>,
    email: &str,
    password: &str,
    address: &str,
) -> Result<Session, DomainError> {
    let email = email.trim().to_lowercase();
    let since = now_millis() - FAILURE_WINDOW_MS;
    let (by_account, by_address): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM sign_in_failures WHERE email = $1 AND at > $3),
                (SELECT COUNT(*) FROM sign_in_failures WHERE address = $2 AND at > $3)",
    )
    .bind(&email)
    .bind(address)
    .bind(since)
    .fetch_one(db)
    .await?;
    if by_account >= MAX_FAILURES_PER_ACCOUNT || by_address >= MAX_FAILURES_PER_ADDRESS {
        tracing::warn!(address, "sign-in rate limited");
        return Err(DomainError::TooManyAttempts);
    }

    let account: Option<(String, String)> =
        sqlx::query_as("SELECT id, password_hash FROM users WHERE email = $1").bind(&email).fetch_optional(db).await?;
    let hash = account.as_ref().map_or(NO_ACCOUNT_HASH, |(_, h)| h.as_str()).to_string();
    let password = password.to_string();
    let valid = on_hashing_pool(hashing, move || verify_password(&password, &hash)).await?;
    let user_id = match account {
        Some((user_id, _)) if valid => user_id,
        _ => {
            sqlx::query("INSERT INTO sign_in_failures (email, address, at) VALUES ($1, $2, $3)")
                .bind(&email)
                .bind(address)
                .bind(now_millis())
                .execute(db)
                .await?;
            return Err(DomainError::InvalidCredentials);
        }
    };

    let mut tx = begin_sign_in(db, previous.as_ref().map(|p| p.id.as_str()), &user_id).await?;
    sqlx::query("DELETE FROM sign_in_failures WHERE email = $1").bind(&email).execute(&mut *tx).await?;
    let session = signed_in_session(&mut tx, previous, &user_id).await?;
    tx.commit().await?;
    Ok(session)
}

/// Ends `previous` (bringing its guest cart into the account's) and starts the account's session.
async fn signed_in_session(
    tx: &mut crate::db::Conn,
    previous: Option<Session>,
    user_id: &str,
) -> Result<Session, DomainError> {
    if let Some(previous) = previous {
        merge_guest_cart(tx, &previous.id, user_id).await?;
        previous.end(&mut *tx).await?;
    }
    Ok(Session::start(&mut *tx, Some(user_id)).await?)
}

/// Creates an account and signs it in, like [`sign_in`] does (the guest cart comes along).
pub async fn sign_up(
    db: &Db,
    hashing: &Gate,
    previous: Option<Session>,
    account: &contracts::api::SignUp,
    address: &str,
) -> Result<Session, DomainError> {
    let email = account.email.trim().to_lowercase();
    let name = account.display_name.trim().to_string();
    let at = email.find('@');
    if email.len() > 254 || !at.is_some_and(|i| i > 0 && i < email.len() - 1) || email.chars().any(char::is_whitespace)
    {
        return Err(DomainError::InvalidAccount("email: not an e-mail address".into()));
    }
    if !(8..=128).contains(&account.password.chars().count()) {
        return Err(DomainError::InvalidAccount("password: 8 to 128 characters".into()));
    }
    if name.is_empty() || name.chars().count() > 60 || name.chars().any(char::is_control) {
        return Err(DomainError::InvalidAccount("displayName: 1 to 60 characters".into()));
    }
    // The turn first: a sign-up shed for want of one has not used up one of the address's.
    let turn = hashing.enter().await?;
    count_sign_up(db, address).await?;
    let password = account.password.clone();
    let hash = hash_in_turn(turn, move || hash_password(&password)).await??;
    let user_id = new_id("usr", 8);
    let mut tx = begin_sign_in(db, previous.as_ref().map(|p| p.id.as_str()), &user_id).await?;
    let created = sqlx::query(
        "INSERT INTO users (id, email, display_name, password_hash, locale, created_at) VALUES ($1, $2, $3, $4, 'en-US', $5)
         ON CONFLICT(email) DO NOTHING",
    )
    .bind(&user_id)
    .bind(&email)
    .bind(&name)
    .bind(hash)
    .bind(now_millis())
    .execute(&mut *tx)
    .await?;
    if created.rows_affected() == 0 {
        return Err(DomainError::Conflict(
            Conflict::AccountExists,
            "an account with this e-mail address exists: sign in".into(),
        ));
    }
    let session = signed_in_session(&mut tx, previous, &user_id).await?;
    tx.commit().await?;
    Ok(session)
}

/// Counts a sign-up from `address`, or refuses it when the address had its share. A refusal
/// writes nothing, so a flood costs one read per request. The attempt is stored before it is
/// counted: of any number arriving at once, each sees at least the ones stored before it, so no
/// more than the limit get through on either database.
async fn count_sign_up(db: &Db, address: &str) -> Result<(), DomainError> {
    let recent = "SELECT COUNT(*) FROM sign_ups WHERE address = $1 AND at > $2";
    let since = now_millis() - FAILURE_WINDOW_MS;
    let before: i64 = sqlx::query_scalar(recent).bind(address).bind(since).fetch_one(db).await?;
    if before < MAX_SIGN_UPS_PER_ADDRESS {
        sqlx::query("INSERT INTO sign_ups (address, at) VALUES ($1, $2)")
            .bind(address)
            .bind(now_millis())
            .execute(db)
            .await?;
        let counted: i64 = sqlx::query_scalar(recent).bind(address).bind(since).fetch_one(db).await?;
        if counted <= MAX_SIGN_UPS_PER_ADDRESS {
            return Ok(());
        }
    }
    tracing::warn!(address, "sign-up rate limited");
    Err(DomainError::TooManySignUps)
}

/// Runs a password hash on the blocking pool once `hashing` lets it, so that no more run at once
/// than there are cores for them and the async workers stay free for every other request. The
/// turn goes into the blocking task: a request that times out does not free it while its hash
/// still runs.
async fn on_hashing_pool<T: Send + 'static>(
    hashing: &Gate,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, DomainError> {
    hash_in_turn(hashing.enter().await?, work).await
}

async fn hash_in_turn<T: Send + 'static>(
    turn: tokio::sync::OwnedSemaphorePermit,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, DomainError> {
    tokio::task::spawn_blocking(move || {
        let done = work();
        drop(turn);
        done
    })
    .await
    .map_err(|e| DomainError::PasswordHash(e.to_string()))
}

/// A write transaction holding the locks of both carts a sign-in touches: the guest cart of
/// `guest_session` and the account's. The carts are looked up before the locks are taken and
/// again after; a cart created in between (a first add racing the sign-in) sends it round again,
/// so no cart is merged unlocked. Carts only come into being, so this settles at once; should it
/// not, the store-wide lock is the answer that is always right.
async fn begin_sign_in(db: &Db, guest_session: Option<&str>, user_id: &str) -> Result<WriteTx, DomainError> {
    async fn carts<'c, E: sqlx::Executor<'c, Database = sqlx::Any>>(
        conn: E,
        guest_session: Option<&str>,
        user_id: &str,
    ) -> Result<Vec<String>, sqlx::Error> {
        sqlx::query_scalar(
            "SELECT id FROM carts WHERE (session_id = $1 AND user_id IS NULL) OR user_id = $2 ORDER BY id",
        )
        .bind(guest_session)
        .bind(user_id)
        .fetch_all(conn)
        .await
    }
    let mut expected = carts(db, guest_session, user_id).await?;
    for _ in 0..3 {
        let locks: Vec<&str> = expected.iter().map(String::as_str).collect();
        let mut tx = crate::db::begin_write(db, &locks).await?;
        let found = carts(&mut *tx, guest_session, user_id).await?;
        if found == expected {
            return Ok(tx);
        }
        tx.rollback().await?;
        expected = found;
    }
    Ok(crate::db::begin_exclusive(db).await?)
}

/// Brings the guest cart of session `guest_session` into the account's cart: the account adopts
/// it when it has none, otherwise the lines are added to the account's, capped per line.
async fn merge_guest_cart(tx: &mut Conn, guest_session: &str, user_id: &str) -> Result<(), DomainError> {
    let guest: Option<String> = sqlx::query_scalar("SELECT id FROM carts WHERE session_id = $1 AND user_id IS NULL")
        .bind(guest_session)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(guest) = guest else { return Ok(()) };
    let account: Option<String> =
        sqlx::query_scalar("SELECT id FROM carts WHERE user_id = $1").bind(user_id).fetch_optional(&mut *tx).await?;
    let Some(account) = account else {
        sqlx::query("UPDATE carts SET user_id = $1, version = version + 1 WHERE id = $2")
            .bind(user_id)
            .bind(&guest)
            .execute(&mut *tx)
            .await?;
        return Ok(());
    };
    // Line by line in Rust rather than one INSERT ... SELECT: the cap needs a least-of-three,
    // which SQLite (multi-argument MIN) and PostgreSQL (LEAST) spell differently.
    let guest_lines: Vec<(i64, String, i64, i64, i64)> = sqlx::query_as(
        "SELECT g.product_id, g.variant_id, g.quantity, g.added_at, v.stock
         FROM cart_lines g JOIN variants v ON v.product_id = g.product_id AND v.id = g.variant_id
         WHERE g.cart_id = $1 ORDER BY g.added_at, g.id",
    )
    .bind(&guest)
    .fetch_all(&mut *tx)
    .await?;
    let most = i64::from(*QUANTITY_RANGE.end());
    for (product_id, variant_id, quantity, added_at, stock) in guest_lines {
        let existing: Option<(String, i64)> = sqlx::query_as(
            "SELECT id, quantity FROM cart_lines WHERE cart_id = $1 AND product_id = $2 AND variant_id = $3",
        )
        .bind(&account)
        .bind(product_id)
        .bind(&variant_id)
        .fetch_optional(&mut *tx)
        .await?;
        let merged = (existing.as_ref().map_or(0, |(_, q)| *q) + quantity).min(most).min(stock);
        if merged <= 0 {
            continue; // sold out: the line does not come along
        }
        match existing {
            Some((line_id, _)) => {
                sqlx::query("UPDATE cart_lines SET quantity = $1 WHERE id = $2")
                    .bind(merged)
                    .bind(line_id)
                    .execute(&mut *tx)
                    .await?;
            }
            None => {
                sqlx::query(
                    "INSERT INTO cart_lines (id, cart_id, product_id, variant_id, quantity, added_at)
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(new_id("line", 8))
                .bind(&account)
                .bind(product_id)
                .bind(&variant_id)
                .bind(merged)
                .bind(added_at)
                .execute(&mut *tx)
                .await?;
            }
        }
    }
    sqlx::query("DELETE FROM cart_lines WHERE cart_id = $1").bind(&guest).execute(&mut *tx).await?;
    sqlx::query("UPDATE carts SET version = version + 1 WHERE id IN ($1, $2)")
        .bind(&account)
        .bind(&guest)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_only_their_password() {
        let hash = hash_password("correct horse").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("wrong horse", &hash));
        assert!(!verify_password("anything", NO_ACCOUNT_HASH));
        assert!(!verify_password("anything", "not a hash"));
    }
}

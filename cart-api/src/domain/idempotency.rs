//! Idempotency keys (as Stripe's): a client sends `Idempotency-Key` with a write; a repeat with
//! the same key and the same request replays the first answer without doing the write again, and
//! the same key with another request is refused. Keys are scoped to the session, and checked and
//! stored inside the write's own transaction, so two concurrent repeats cannot both write.

use crate::db::Conn;

use super::error::DomainError;

/// A client's key for one write, within its session.
pub struct IdempotencyKey {
    pub session_id: String,
    pub key: String,
}

impl IdempotencyKey {
    /// Checks the header value: 1 to 255 visible ASCII characters.
    pub fn parse(session_id: &str, value: &str) -> Result<Self, DomainError> {
        if value.is_empty() || value.len() > 255 || !value.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(DomainError::Invalid("Idempotency-Key must be 1 to 255 visible ASCII characters".into()));
        }
        Ok(Self { session_id: session_id.to_string(), key: value.to_string() })
    }

    /// The answer stored for this key, if the same request was already done.
    pub async fn replay(&self, tx: &mut Conn, request: &str) -> Result<Option<String>, DomainError> {
        let stored: Option<(String, String)> =
            sqlx::query_as("SELECT request, response FROM idempotency_keys WHERE session_id = $1 AND key = $2")
                .bind(&self.session_id)
                .bind(&self.key)
                .fetch_optional(&mut *tx)
                .await?;
        match stored {
            Some((first, response)) if first == request => Ok(Some(response)),
            Some(_) => Err(DomainError::IdempotencyKeyReused),
            None => Ok(None),
        }
    }

    /// Records the answer of the first request with this key.
    pub async fn remember(&self, tx: &mut Conn, request: &str, response: &str) -> Result<(), DomainError> {
        sqlx::query(
            "INSERT INTO idempotency_keys (session_id, key, request, response, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&self.session_id)
        .bind(&self.key)
        .bind(request)
        .bind(response)
        .bind(crate::clock::now_millis())
        .execute(&mut *tx)
        .await?;
        Ok(())
    }
}

/// What a write answered, for [`once`], and what a repeat with the same key replays it from
/// (`None`: nothing is remembered, e.g. a refusal that is itself recorded, such as a declined card).
pub struct Fresh<T> {
    pub answer: T,
    pub remembered: Option<String>,
}

/// The bracket every idempotent write shares: with a key already used for this request, `replay`
/// rebuilds the first answer from what was remembered and nothing is written; otherwise `write`
/// runs and its answer is remembered under the key, in the same transaction. Answers whether it
/// replayed. The caller owns the transaction and commits it.
pub async fn once<T>(
    tx: &mut Conn,
    key: Option<&IdempotencyKey>,
    request: &str,
    replay: impl AsyncFnOnce(&mut Conn, String) -> Result<T, DomainError>,
    write: impl AsyncFnOnce(&mut Conn) -> Result<Fresh<T>, DomainError>,
) -> Result<(T, bool), DomainError> {
    if let Some(key) = key {
        if let Some(stored) = key.replay(tx, request).await? {
            return Ok((replay(tx, stored).await?, true));
        }
    }
    let Fresh { answer, remembered } = write(tx).await?;
    if let (Some(key), Some(remembered)) = (key, remembered) {
        key.remember(tx, request, &remembered).await?;
    }
    Ok((answer, false))
}

/// [`once`] for an answer remembered as its JSON.
pub async fn once_json<T: serde::Serialize + serde::de::DeserializeOwned>(
    tx: &mut Conn,
    key: Option<&IdempotencyKey>,
    request: &str,
    write: impl AsyncFnOnce(&mut Conn) -> Result<T, DomainError>,
) -> Result<(T, bool), DomainError> {
    once(
        tx,
        key,
        request,
        async |_, stored| serde_json::from_str(&stored).map_err(|e| DomainError::Corrupt(e.to_string())),
        async |tx| {
            let answer = write(tx).await?;
            let remembered = serde_json::to_string(&answer).ok();
            Ok(Fresh { answer, remembered })
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    #[test]
    fn keys_are_checked() {
        assert!(super::IdempotencyKey::parse("s", "a1b2-c3").is_ok());
        for bad in ["", "with space", "é", &"x".repeat(256)] {
            assert!(super::IdempotencyKey::parse("s", bad).is_err(), "{bad:?}");
        }
    }
}

//! What the store's rules refuse, in the domain's own words. The domain knows nothing of HTTP:
//! `crate::error::ApiError` turns each of these into a problem document (its kind, status and
//! title) at the edge, and that mapping is the one place where the wire's vocabulary is chosen.

/// A state the request cannot be carried out in, although it is well-formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    /// The e-mail address already has an account.
    AccountExists,
    /// The checkout already placed its order.
    CheckoutCompleted,
    /// A checkout step is missing (no address before paying, no payment before placing).
    CheckoutIncomplete,
    /// There is nothing in the cart to check out.
    EmptyCart,
    /// The cart changed since the checkout priced it.
    CartChanged,
}

#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    /// Input the rules refuse before looking anything up (a query, a key, a quantity's form).
    #[error("{0}")]
    Invalid(String),
    #[error("{0} was not found")]
    NotFound(String),
    #[error("{0}")]
    UnknownItem(String),
    #[error("{0}")]
    OutOfStock(String),
    #[error("{0}")]
    QuantityLimit(String),
    #[error("this Idempotency-Key was already used for a different request")]
    IdempotencyKeyReused,
    #[error("the e-mail address or the password is wrong")]
    InvalidCredentials,
    #[error("too many failed sign-ins; try again in a few minutes")]
    TooManyAttempts,
    #[error("too many new accounts from this address; try again later")]
    TooManySignUps,
    /// Every turn at hashing a password is taken: the work is refused before it starts.
    #[error("the server is busy; nothing was changed, try again in a moment")]
    Busy,
    #[error("{0}")]
    InvalidAddress(String),
    #[error("{0}")]
    InvalidAccount(String),
    #[error("{0}")]
    InvalidCard(String),
    #[error("your card was declined: no order was placed and nothing was charged")]
    PaymentDeclined,
    #[error("{1}")]
    Conflict(Conflict, String),
    #[error("the cart changed since you read it (version {current}); reload it and try again")]
    PreconditionFailed { current: u64 },
    #[error("password hashing failed: {0}")]
    PasswordHash(String),
    /// What the database holds cannot be read: a fault of ours, never the client's.
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Database(sqlx::Error),
}

impl From<sqlx::Error> for DomainError {
    fn from(error: sqlx::Error) -> Self {
        if refuses_client_text(&error) {
            return DomainError::Invalid("text must not contain NUL characters".into());
        }
        DomainError::Database(error)
    }
}

/// PostgreSQL refuses text holding a NUL character (SQLite stores it): that is the client's
/// input, not our failure. 22021 is `character_not_in_repertoire`.
pub fn refuses_client_text(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db) if db.code().as_deref() == Some("22021"))
}

impl From<crate::overload::Busy> for DomainError {
    fn from(_: crate::overload::Busy) -> Self {
        DomainError::Busy
    }
}

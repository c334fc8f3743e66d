//! The one error type at the API edge: every failure becomes an RFC 9457
//! `application/problem+json` answer with a stable `type`.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use contracts::api::Problem;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    /// The request could not be extracted (body, query or path); keeps axum's status
    /// (400, 413, 415 or 422).
    #[error("{1}")]
    Rejected(StatusCode, String),
    #[error("{0} was not found")]
    NotFound(String),
    #[error("{0}")]
    UnknownItem(String),
    #[error("{0}")]
    OutOfStock(String),
    #[error("{0}")]
    QuantityLimit(String),
    #[error("state-changing requests from another site are refused")]
    CrossSite,
    #[error("this Idempotency-Key was already used for a different request")]
    IdempotencyKeyReused,
    #[error("sign in first")]
    SignInRequired,
    #[error("the e-mail address or the password is wrong")]
    InvalidCredentials,
    #[error("too many failed sign-ins; try again in a few minutes")]
    TooManyAttempts,
    #[error("{0}")]
    InvalidAddress(String),
    #[error("{0}")]
    InvalidAccount(String),
    #[error("{0}")]
    InvalidCard(String),
    #[error("your card was declined: no order was placed and nothing was charged")]
    PaymentDeclined,
    /// The write is valid but the resource is not in a state that allows it; the `&str` is the
    /// problem kind, e.g. `cart-changed`.
    #[error("{1}")]
    Conflict(&'static str, String),
    #[error("the cart changed since you read it (version {current}); reload it and try again")]
    PreconditionFailed { current: u64 },
    #[error("password hashing failed: {0}")]
    PasswordHash(String),
    #[error(transparent)]
    Database(sqlx::Error),
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        // PostgreSQL refuses text holding a NUL character (SQLite stores it): that is the
        // client's input, not our failure. 22021 is `character_not_in_repertoire`.
        if let sqlx::Error::Database(db) = &error {
            if db.code().as_deref() == Some("22021") {
                return ApiError::BadRequest("text must not contain NUL characters".into());
            }
        }
        ApiError::Database(error)
    }
}

impl ApiError {
    fn parts(&self) -> (StatusCode, &'static str, &'static str) {
        match self {
            ApiError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad-request", "The request is not valid"),
            ApiError::Rejected(status, _) => {
                let kind = match *status {
                    StatusCode::PAYLOAD_TOO_LARGE => "body-too-large",
                    StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported-media-type",
                    StatusCode::UNPROCESSABLE_ENTITY => "invalid-body",
                    StatusCode::METHOD_NOT_ALLOWED => "method-not-allowed",
                    _ => "bad-request",
                };
                (*status, kind, "The request is not valid")
            }
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "not-found", "Not found"),
            ApiError::UnknownItem(_) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "unknown-item", "The product or variant does not exist")
            }
            ApiError::OutOfStock(_) => (StatusCode::CONFLICT, "out-of-stock", "Not enough stock"),
            ApiError::QuantityLimit(_) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "quantity-limit", "The quantity is outside the allowed range")
            }
            ApiError::CrossSite => (StatusCode::FORBIDDEN, "cross-site-request", "Cross-site request refused"),
            ApiError::IdempotencyKeyReused => {
                (StatusCode::UNPROCESSABLE_ENTITY, "idempotency-key-reused", "Idempotency-Key reused")
            }
            ApiError::SignInRequired => (StatusCode::UNAUTHORIZED, "sign-in-required", "Sign-in required"),
            ApiError::InvalidCredentials => {
                (StatusCode::UNAUTHORIZED, "invalid-credentials", "Wrong e-mail address or password")
            }
            ApiError::TooManyAttempts => (StatusCode::TOO_MANY_REQUESTS, "too-many-attempts", "Too many attempts"),
            ApiError::InvalidAddress(_) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "invalid-address", "The address is not valid")
            }
            ApiError::InvalidAccount(_) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "invalid-account", "The account details are not valid")
            }
            ApiError::InvalidCard(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid-card", "The card details are not valid"),
            ApiError::PaymentDeclined => (StatusCode::PAYMENT_REQUIRED, "payment-declined", "Payment declined"),
            ApiError::Conflict(kind, _) => (StatusCode::CONFLICT, kind, "The request conflicts with the current state"),
            ApiError::PreconditionFailed { .. } => {
                (StatusCode::PRECONDITION_FAILED, "precondition-failed", "The cart has changed")
            }
            ApiError::Database(_) | ApiError::PasswordHash(_) => {
                (StatusCode::INTERNAL_SERVER_ERROR, "internal", "Something went wrong on our side")
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, kind, title) = self.parts();
        let detail = match &self {
            ApiError::Database(_) | ApiError::PasswordHash(_) => {
                tracing::error!(error = %self, "internal error");
                None
            }
            other => Some(other.to_string()),
        };
        let problem = Problem {
            kind: format!("/problems/{kind}"),
            title: title.to_string(),
            status: status.as_u16(),
            detail,
        };
        let body = serde_json::to_string(&problem).unwrap_or_default();
        (status, [(header::CONTENT_TYPE, "application/problem+json")], body).into_response()
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        ApiError::Rejected(rejection.status(), rejection.body_text())
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        ApiError::Rejected(rejection.status(), rejection.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        ApiError::Rejected(rejection.status(), rejection.body_text())
    }
}

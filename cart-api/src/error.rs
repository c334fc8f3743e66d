//! The one error type at the API edge: every failure becomes an RFC 9457
//! `application/problem+json` answer with a stable `type`.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{header, HeaderValue, StatusCode};
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
    #[error("too many new accounts from this address; try again later")]
    TooManySignUps,
    /// More requests than the server can answer in time; it sheds this one before doing any of
    /// its work, so the client may send it again after `Retry-After`.
    #[error("the server is busy; nothing was changed, try again in a moment")]
    Overloaded,
    /// The request (its body, or the answer) took longer than `REQUEST_TIMEOUT_SECS`.
    #[error("the request took too long")]
    RequestTimeout,
    /// The database does not answer (`GET /api/ready`).
    #[error("the database does not answer")]
    NotReady,
    /// A handler panicked; the hook in `main` logged where, with the request's trace id.
    #[error("a handler panicked")]
    Panicked,
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
            ApiError::TooManyAttempts | ApiError::TooManySignUps => {
                (StatusCode::TOO_MANY_REQUESTS, "too-many-attempts", "Too many attempts")
            }
            ApiError::Overloaded => (StatusCode::SERVICE_UNAVAILABLE, "overloaded", "The server is busy"),
            ApiError::RequestTimeout => (StatusCode::REQUEST_TIMEOUT, "request-timeout", "The request took too long"),
            ApiError::NotReady => (StatusCode::SERVICE_UNAVAILABLE, "not-ready", "Not ready"),
            ApiError::InvalidAddress(_) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "invalid-address", "The address is not valid")
            }
            ApiError::InvalidAccount(_) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "invalid-account", "The account details are not valid")
            }
            ApiError::InvalidCard(_) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "invalid-card", "The card details are not valid")
            }
            ApiError::PaymentDeclined => (StatusCode::PAYMENT_REQUIRED, "payment-declined", "Payment declined"),
            ApiError::Conflict(kind, _) => (StatusCode::CONFLICT, kind, "The request conflicts with the current state"),
            ApiError::PreconditionFailed { .. } => {
                (StatusCode::PRECONDITION_FAILED, "precondition-failed", "The cart has changed")
            }
            ApiError::Database(_) | ApiError::PasswordHash(_) | ApiError::Panicked => {
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
            ApiError::Panicked => None,
            other => Some(other.to_string()),
        };
        let problem =
            Problem { kind: format!("/problems/{kind}"), title: title.to_string(), status: status.as_u16(), detail };
        let body = serde_json::to_string(&problem).unwrap_or_default();
        let mut response = (status, [(header::CONTENT_TYPE, "application/problem+json")], body).into_response();
        let headers = response.headers_mut();
        match self {
            // One second: long enough for a queue to drain, short enough that a shopper barely notices.
            ApiError::Overloaded | ApiError::NotReady => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            }
            // Part of the body may still be unread: the connection cannot carry another request.
            ApiError::RequestTimeout => {
                headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
            }
            _ => {}
        }
        response
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

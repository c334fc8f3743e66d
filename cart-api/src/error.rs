//! The one error type at the API edge: every failure becomes an RFC 9457
//! `application/problem+json` answer with a stable `type`.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use contracts::api::Problem;
use contracts::problems::ProblemKind;

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
    /// The write is valid but the resource is not in a state that allows it, e.g.
    /// [`ProblemKind::CartChanged`].
    #[error("{1}")]
    Conflict(ProblemKind, String),
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
    /// The kind of problem this is answered as (its `type`, and with it its status).
    pub fn kind(&self) -> ProblemKind {
        match self {
            ApiError::BadRequest(_) => ProblemKind::BadRequest,
            ApiError::Rejected(status, _) => match *status {
                StatusCode::PAYLOAD_TOO_LARGE => ProblemKind::BodyTooLarge,
                StatusCode::UNSUPPORTED_MEDIA_TYPE => ProblemKind::UnsupportedMediaType,
                StatusCode::UNPROCESSABLE_ENTITY => ProblemKind::InvalidBody,
                StatusCode::METHOD_NOT_ALLOWED => ProblemKind::MethodNotAllowed,
                _ => ProblemKind::BadRequest,
            },
            ApiError::NotFound(_) => ProblemKind::NotFound,
            ApiError::UnknownItem(_) => ProblemKind::UnknownItem,
            ApiError::OutOfStock(_) => ProblemKind::OutOfStock,
            ApiError::QuantityLimit(_) => ProblemKind::QuantityLimit,
            ApiError::CrossSite => ProblemKind::CrossSiteRequest,
            ApiError::IdempotencyKeyReused => ProblemKind::IdempotencyKeyReused,
            ApiError::SignInRequired => ProblemKind::SignInRequired,
            ApiError::InvalidCredentials => ProblemKind::InvalidCredentials,
            ApiError::TooManyAttempts | ApiError::TooManySignUps => ProblemKind::TooManyAttempts,
            ApiError::Overloaded => ProblemKind::Overloaded,
            ApiError::RequestTimeout => ProblemKind::RequestTimeout,
            ApiError::NotReady => ProblemKind::NotReady,
            ApiError::InvalidAddress(_) => ProblemKind::InvalidAddress,
            ApiError::InvalidAccount(_) => ProblemKind::InvalidAccount,
            ApiError::InvalidCard(_) => ProblemKind::InvalidCard,
            ApiError::PaymentDeclined => ProblemKind::PaymentDeclined,
            ApiError::Conflict(kind, _) => *kind,
            ApiError::PreconditionFailed { .. } => ProblemKind::PreconditionFailed,
            ApiError::Database(_) | ApiError::PasswordHash(_) | ApiError::Corrupt(_) | ApiError::Panicked => {
                ProblemKind::Internal
            }
        }
    }

    /// The kind's title, the same for every problem of it.
    fn title(&self) -> &'static str {
        match self.kind() {
            ProblemKind::NotFound => "Not found",
            ProblemKind::UnknownItem => "The product or variant does not exist",
            ProblemKind::OutOfStock => "Not enough stock",
            ProblemKind::QuantityLimit => "The quantity is outside the allowed range",
            ProblemKind::CrossSiteRequest => "Cross-site request refused",
            ProblemKind::IdempotencyKeyReused => "Idempotency-Key reused",
            ProblemKind::SignInRequired => "Sign-in required",
            ProblemKind::InvalidCredentials => "Wrong e-mail address or password",
            ProblemKind::TooManyAttempts => "Too many attempts",
            ProblemKind::Overloaded => "The server is busy",
            ProblemKind::RequestTimeout => "The request took too long",
            ProblemKind::NotReady => "Not ready",
            ProblemKind::InvalidAddress => "The address is not valid",
            ProblemKind::InvalidAccount => "The account details are not valid",
            ProblemKind::InvalidCard => "The card details are not valid",
            ProblemKind::PaymentDeclined => "Payment declined",
            ProblemKind::PreconditionFailed => "The cart has changed",
            ProblemKind::Internal => "Something went wrong on our side",
            ProblemKind::AccountExists
            | ProblemKind::CheckoutCompleted
            | ProblemKind::CheckoutIncomplete
            | ProblemKind::EmptyCart
            | ProblemKind::CartChanged => "The request conflicts with the current state",
            ProblemKind::BadRequest
            | ProblemKind::BodyTooLarge
            | ProblemKind::UnsupportedMediaType
            | ProblemKind::InvalidBody
            | ProblemKind::MethodNotAllowed => "The request is not valid",
        }
    }

    /// The status: the kind's, except for a rejection, which keeps the one axum chose.
    fn status(&self) -> StatusCode {
        match self {
            ApiError::Rejected(status, _) => *status,
            other => StatusCode::from_u16(other.kind().status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, kind, title) = (self.status(), self.kind(), self.title());
        let detail = match &self {
            ApiError::Database(_) | ApiError::PasswordHash(_) | ApiError::Corrupt(_) => {
                tracing::error!(error = %self, "internal error");
                None
            }
            ApiError::Panicked => None,
            other => Some(other.to_string()),
        };
        let problem = Problem { kind: kind.uri(), title: title.to_string(), status: status.as_u16(), detail };
        let body = serde_json::to_string(&problem).unwrap_or_default();
        let mut response = (status, [(header::CONTENT_TYPE, "application/problem+json")], body).into_response();
        response.extensions_mut().insert(crate::metrics::Problem(kind));
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

//! The one error type at the API edge: every failure becomes an RFC 9457
//! `application/problem+json` answer with a stable `type`.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use contracts::api::Problem;
use contracts::problems::ProblemKind;

use crate::domain::error::refuses_client_text;
use crate::domain::{Conflict, DomainError};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// What a store rule refused; most answers are these.
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// A request the edge refuses before the domain sees it (a header, a batch of events).
    #[error("{0}")]
    BadRequest(String),
    /// The request could not be extracted (body, query or path); keeps axum's status
    /// (400, 413, 415 or 422).
    #[error("{1}")]
    Rejected(StatusCode, String),
    #[error("{0} was not found")]
    NotFound(String),
    #[error("state-changing requests from another site are refused")]
    CrossSite,
    #[error("sign in first")]
    SignInRequired,
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
    /// The edge's own reads (the session) failed.
    #[error(transparent)]
    Database(sqlx::Error),
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        if refuses_client_text(&error) {
            return DomainError::from(error).into();
        }
        ApiError::Database(error)
    }
}

/// The problem kind of each refusal of the domain: where its words become the wire's.
fn domain_kind(error: &DomainError) -> ProblemKind {
    match error {
        DomainError::Invalid(_) => ProblemKind::BadRequest,
        DomainError::NotFound(_) => ProblemKind::NotFound,
        DomainError::UnknownItem(_) => ProblemKind::UnknownItem,
        DomainError::OutOfStock(_) => ProblemKind::OutOfStock,
        DomainError::QuantityLimit(_) => ProblemKind::QuantityLimit,
        DomainError::IdempotencyKeyReused => ProblemKind::IdempotencyKeyReused,
        DomainError::InvalidCredentials => ProblemKind::InvalidCredentials,
        DomainError::TooManyAttempts | DomainError::TooManySignUps => ProblemKind::TooManyAttempts,
        DomainError::Busy => ProblemKind::Overloaded,
        DomainError::InvalidAddress(_) => ProblemKind::InvalidAddress,
        DomainError::InvalidAccount(_) => ProblemKind::InvalidAccount,
        DomainError::InvalidCard(_) => ProblemKind::InvalidCard,
        DomainError::PaymentDeclined => ProblemKind::PaymentDeclined,
        DomainError::Conflict(conflict, _) => match conflict {
            Conflict::AccountExists => ProblemKind::AccountExists,
            Conflict::CheckoutCompleted => ProblemKind::CheckoutCompleted,
            Conflict::CheckoutIncomplete => ProblemKind::CheckoutIncomplete,
            Conflict::EmptyCart => ProblemKind::EmptyCart,
            Conflict::CartChanged => ProblemKind::CartChanged,
        },
        DomainError::PreconditionFailed { .. } => ProblemKind::PreconditionFailed,
        DomainError::PasswordHash(_) | DomainError::Corrupt(_) | DomainError::Database(_) => ProblemKind::Internal,
    }
}

impl ApiError {
    /// The kind of problem this is answered as (its `type`, and with it its status).
    pub fn kind(&self) -> ProblemKind {
        match self {
            ApiError::Domain(error) => domain_kind(error),
            ApiError::BadRequest(_) => ProblemKind::BadRequest,
            ApiError::Rejected(status, _) => match *status {
                StatusCode::PAYLOAD_TOO_LARGE => ProblemKind::BodyTooLarge,
                StatusCode::UNSUPPORTED_MEDIA_TYPE => ProblemKind::UnsupportedMediaType,
                StatusCode::UNPROCESSABLE_ENTITY => ProblemKind::InvalidBody,
                StatusCode::METHOD_NOT_ALLOWED => ProblemKind::MethodNotAllowed,
                _ => ProblemKind::BadRequest,
            },
            ApiError::NotFound(_) => ProblemKind::NotFound,
            ApiError::CrossSite => ProblemKind::CrossSiteRequest,
            ApiError::SignInRequired => ProblemKind::SignInRequired,
            ApiError::Overloaded => ProblemKind::Overloaded,
            ApiError::RequestTimeout => ProblemKind::RequestTimeout,
            ApiError::NotReady => ProblemKind::NotReady,
            ApiError::Database(_) | ApiError::Panicked => ProblemKind::Internal,
        }
    }

    /// Whether this is the server's own fault: logged, and answered without details. Derived
    /// from the kind, so the mapping above is the one list of what counts as ours.
    fn is_fault(&self) -> bool {
        self.kind() == ProblemKind::Internal
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
            // The panic hook has logged it already, with where it happened.
            ApiError::Panicked => None,
            fault if fault.is_fault() => {
                tracing::error!(error = %fault, "internal error");
                None
            }
            other => Some(other.to_string()),
        };
        let problem = Problem { kind: kind.uri(), title: title.to_string(), status: status.as_u16(), detail };
        let body = serde_json::to_string(&problem).unwrap_or_default();
        let mut response = (status, [(header::CONTENT_TYPE, "application/problem+json")], body).into_response();
        response.extensions_mut().insert(crate::metrics::Problem(kind));
        let headers = response.headers_mut();
        match self {
            // One second: long enough for a queue to drain, short enough that a shopper barely notices.
            ApiError::Overloaded | ApiError::NotReady | ApiError::Domain(DomainError::Busy) => {
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

#[cfg(test)]
mod tests {
    use super::*;

    async fn answer(error: impl Into<ApiError>) -> (StatusCode, Option<HeaderValue>, Problem) {
        let response = error.into().into_response();
        let status = response.status();
        let retry = response.headers().get(header::RETRY_AFTER).cloned();
        let body = axum::body::to_bytes(response.into_body(), 4096).await.unwrap();
        (status, retry, serde_json::from_slice(&body).unwrap())
    }

    #[tokio::test]
    async fn every_conflict_of_the_domain_is_a_409_of_its_own_kind() {
        let conflicts = [
            (Conflict::AccountExists, ProblemKind::AccountExists),
            (Conflict::CheckoutCompleted, ProblemKind::CheckoutCompleted),
            (Conflict::CheckoutIncomplete, ProblemKind::CheckoutIncomplete),
            (Conflict::EmptyCart, ProblemKind::EmptyCart),
            (Conflict::CartChanged, ProblemKind::CartChanged),
        ];
        for (conflict, kind) in conflicts {
            let (status, _, problem) = answer(DomainError::Conflict(conflict, "because".into())).await;
            assert_eq!(status, StatusCode::CONFLICT, "{conflict:?}");
            assert_eq!(problem.kind, kind.uri());
            assert_eq!(problem.detail.as_deref(), Some("because"));
        }
    }

    #[tokio::test]
    async fn a_fault_of_ours_is_a_500_that_tells_nothing() {
        for fault in [DomainError::Corrupt("line 3 of order o_1".into()), DomainError::PasswordHash("salt".into())] {
            let (status, _, problem) = answer(fault).await;
            assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
            assert_eq!(problem.kind, ProblemKind::Internal.uri());
            assert_eq!(problem.detail, None, "the client is not told what broke");
        }
    }

    #[tokio::test]
    async fn a_busy_hashing_turn_is_shed_like_an_overloaded_server() {
        let (status, retry, problem) = answer(DomainError::Busy).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(retry.as_ref().and_then(|v| v.to_str().ok()), Some("1"));
        assert_eq!(problem.kind, ProblemKind::Overloaded.uri());
    }

    #[tokio::test]
    async fn refusals_of_the_rules_are_client_errors_with_their_reason() {
        let refusals = [
            (DomainError::Invalid("page starts at 1".into()), StatusCode::BAD_REQUEST),
            (DomainError::OutOfStock("only 2 left".into()), StatusCode::CONFLICT),
            (DomainError::PreconditionFailed { current: 7 }, StatusCode::PRECONDITION_FAILED),
            (DomainError::PaymentDeclined, StatusCode::PAYMENT_REQUIRED),
        ];
        for (refusal, expected) in refusals {
            let reason = refusal.to_string();
            let (status, _, problem) = answer(refusal).await;
            assert_eq!(status, expected, "{reason}");
            assert_eq!(problem.detail, Some(reason));
        }
    }
}

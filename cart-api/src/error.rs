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
    #[error(transparent)]
    Database(#[from] sqlx::Error),
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
            ApiError::Database(_) => {
                (StatusCode::INTERNAL_SERVER_ERROR, "internal", "Something went wrong on our side")
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, kind, title) = self.parts();
        let detail = match &self {
            ApiError::Database(e) => {
                tracing::error!(error = %e, "database error");
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

//! `POST /api/accounts`, `POST /api/session/login`, `POST /api/session/logout`, `GET /api/me`

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use contracts::api::{SignIn, SignUp};
use contracts::context::IdentitySummary;

use super::extract::{Body, ClientAddress, CurrentSession};
use crate::domain::identity;
use crate::error::ApiError;
use crate::session::WithSession;
use crate::AppState;

#[utoipa::path(
    get, path = "/api/me", tag = "identity",
    responses((status = 200, description = "What the remotes may know about the visitor", body = IdentitySummary))
)]
pub async fn me(
    State(state): State<AppState>,
    CurrentSession(session): CurrentSession,
) -> Result<Json<IdentitySummary>, ApiError> {
    Ok(Json(identity::summary(&state.db, session.as_ref()).await?))
}

#[utoipa::path(
    post, path = "/api/session/login", tag = "identity", request_body = SignIn,
    responses(
        (status = 200, description = "Signed in; the session cookie is renewed", body = IdentitySummary),
        (status = 401, description = "invalid-credentials", body = contracts::api::Problem, content_type = "application/problem+json"),
        (status = 429, description = "too-many-attempts from this address", body = contracts::api::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn login(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    CurrentSession(previous): CurrentSession,
    Body(credentials): Body<SignIn>,
) -> Result<WithSession<Json<IdentitySummary>>, ApiError> {
    let session = identity::sign_in(
        &state.db,
        &state.hashing,
        previous,
        &credentials.email,
        &credentials.password,
        &client.to_string(),
    )
    .await?;
    let summary = identity::summary(&state.db, Some(&session)).await?;
    tracing::info!(user_id = summary.user_id.as_deref().unwrap_or_default(), "signed in");
    Ok(WithSession(session, Json(summary)))
}

#[utoipa::path(
    post, path = "/api/accounts", tag = "identity", request_body = SignUp,
    responses(
        (status = 201, description = "The account exists and is signed in", body = IdentitySummary),
        (status = 409, description = "account-exists", body = contracts::api::Problem, content_type = "application/problem+json"),
        (status = 422, description = "invalid-account, naming the field", body = contracts::api::Problem, content_type = "application/problem+json"),
        (status = 429, description = "too-many-attempts: too many new accounts from this address", body = contracts::api::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn sign_up(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    CurrentSession(previous): CurrentSession,
    Body(account): Body<SignUp>,
) -> Result<(StatusCode, WithSession<Json<IdentitySummary>>), ApiError> {
    let address = client.to_string();
    let session = identity::sign_up(&state.db, &state.hashing, previous, &account, &address).await?;
    let summary = identity::summary(&state.db, Some(&session)).await?;
    Ok((StatusCode::CREATED, WithSession(session, Json(summary))))
}

#[utoipa::path(
    post, path = "/api/session/logout", tag = "identity",
    responses((status = 200, description = "Signed out: the guest's summary; the cookie is cleared", body = IdentitySummary))
)]
pub async fn logout(
    State(state): State<AppState>,
    CurrentSession(session): CurrentSession,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let Some(session) = session else {
        return Ok(Json(IdentitySummary::default()).into_response());
    };
    let ended = session.end(&state.db).await?;
    Ok(WithSession(ended, Json(IdentitySummary::default())).into_response())
}

//! `POST /api/accounts`, `POST /api/session/login`, `POST /api/session/logout`, `GET /api/me`

use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::Json;
use contracts::api::{SignIn, SignUp};
use contracts::context::IdentitySummary;

use super::extract::{Body, ClientAddress};
use crate::domain::identity;
use crate::error::ApiError;
use crate::session::{Session, WithSession};
use crate::AppState;

#[utoipa::path(
    get, path = "/api/me", tag = "identity",
    responses((status = 200, description = "What the remotes may know about the visitor", body = IdentitySummary))
)]
pub async fn me(State(state): State<AppState>, headers: HeaderMap) -> Result<Json<IdentitySummary>, ApiError> {
    let session = Session::existing(&state.db, &headers).await?;
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
    headers: HeaderMap,
    Body(credentials): Body<SignIn>,
) -> Result<WithSession<Json<IdentitySummary>>, ApiError> {
    let previous = Session::existing(&state.db, &headers).await?;
    let session = identity::sign_in(
        &state.db,
        &state.hashing,
        previous,
        &credentials.email,
        &credentials.password,
        &client.to_string(),
        state.cookie_secure,
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
    headers: HeaderMap,
    Body(account): Body<SignUp>,
) -> Result<(StatusCode, WithSession<Json<IdentitySummary>>), ApiError> {
    let previous = Session::existing(&state.db, &headers).await?;
    let address = client.to_string();
    let session =
        identity::sign_up(&state.db, &state.hashing, previous, &account, &address, state.cookie_secure).await?;
    let summary = identity::summary(&state.db, Some(&session)).await?;
    Ok((StatusCode::CREATED, WithSession(session, Json(summary))))
}

#[utoipa::path(
    post, path = "/api/session/logout", tag = "identity",
    responses((status = 200, description = "Signed out: the guest's summary; the cookie is cleared", body = IdentitySummary))
)]
pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let Some(session) = Session::existing(&state.db, &headers).await? else {
        return Ok(Json(IdentitySummary::default()).into_response());
    };
    let ended = session.end(&state.db, state.cookie_secure).await?;
    Ok(WithSession(ended, Json(IdentitySummary::default())).into_response())
}

/// The signed-in caller's session and account id, or 401.
pub async fn signed_in(state: &AppState, headers: &HeaderMap) -> Result<(Session, String), ApiError> {
    let session = Session::existing(&state.db, headers).await?.ok_or(ApiError::SignInRequired)?;
    let user_id = session.user_id.clone().ok_or(ApiError::SignInRequired)?;
    Ok((session, user_id))
}

//! `POST /api/analytics/events`: batches from the shell's analytics layer.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use contracts::api::AnalyticsBatch;

use super::extract::Body;
use crate::error::ApiError;
use crate::AppState;

/// More events than this in one batch means a broken or hostile client.
pub const MAX_BATCH: usize = 50;

#[utoipa::path(
    post, path = "/api/analytics/events", tag = "telemetry", request_body = AnalyticsBatch,
    responses(
        (status = 202, description = "The events are recorded", body = Object),
        (status = 400, description = "an unknown event, a payload that breaks its contract, personal data, or too many events", body = contracts::api::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn record(
    State(state): State<AppState>,
    Body(batch): Body<AnalyticsBatch>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    if batch.events.len() > MAX_BATCH {
        return Err(ApiError::BadRequest(format!("a batch holds at most {MAX_BATCH} events")));
    }
    let known = contracts::events::registry();
    for event in &batch.events {
        let Some(spec) = known.iter().find(|spec| spec.name == event.name && spec.version == event.version) else {
            return Err(ApiError::BadRequest(format!("{} v{} is not a known event", event.name, event.version)));
        };
        let denied = contracts::governance::denied_keys(&event.payload);
        if !denied.is_empty() {
            return Err(ApiError::BadRequest(format!("{} carries personal or secret data: {denied:?}", event.name)));
        }
        if event.payload.to_string().len() > contracts::governance::MAX_ENVELOPE_BYTES {
            return Err(ApiError::BadRequest(format!("{} is too large", event.name)));
        }
        // The shell passes payloads on undecoded: this is where each one meets its contract.
        (spec.check)(&event.payload)
            .map_err(|e| ApiError::BadRequest(format!("{} v{}: {e}", event.name, event.version)))?;
    }
    let received = crate::clock::now_millis();
    let mut tx = state.db.begin().await?;
    for e in &batch.events {
        sqlx::query(
            "INSERT INTO analytics_events (name, version, publisher, shell, route, time, payload, received_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&e.name)
        .bind(i64::from(e.version))
        .bind(&e.publisher)
        .bind(&e.shell)
        .bind(&e.route)
        .bind(e.time)
        .bind(e.payload.to_string())
        .bind(received)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok((StatusCode::ACCEPTED, Json(serde_json::json!({ "accepted": batch.events.len() }))))
}

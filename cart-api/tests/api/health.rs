//! Health, the trace id and the analytics batches: what the server says about itself.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{assert_problem_kind, send, spawn_app};

// Health

#[tokio::test]
async fn health_answers_ok() {
    let app = spawn_app().await;
    let response = app.get("/api/health").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers().contains_key("server-timing"));
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body, json!({ "status": "ok" }));
}

// Telemetry

#[tokio::test]
async fn echoes_the_trace_id_of_the_browser() {
    let app = spawn_app().await;
    let trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    let response = send(
        app.client.get(app.url("/api/products/1")).header("traceparent", format!("00-{trace}-00f067aa0ba902b7-01")),
    )
    .await;
    let echoed = response.headers()["traceparent"].to_str().unwrap();
    assert!(echoed.starts_with(&format!("00-{trace}-")), "{echoed}");
    assert!(response.headers()["server-timing"].to_str().unwrap().starts_with("app;dur="));
}

// Analytics

#[tokio::test]
async fn analytics_batches_are_recorded_and_checked() {
    let app = spawn_app().await;
    let event = |name: &str, payload: serde_json::Value| {
        json!({ "name": name, "version": 1, "publisher": "product-details@0.1.0",
            "shell": "shell@0.1.0", "route": "/products/1", "time": 1.0, "payload": payload })
    };
    let post = |body: serde_json::Value| send(app.client.post(app.url("/api/analytics/events")).json(&body));
    let ok = post(json!({ "events": [event("cart:item-added", json!({"productId": 1, "quantity": 1}))] })).await;
    assert_eq!(ok.status(), StatusCode::ACCEPTED);

    let unknown = post(json!({ "events": [event("cart:exploded", json!({}))] })).await;
    assert_problem_kind(unknown, StatusCode::BAD_REQUEST, "bad-request", "unknown event").await;
    let personal =
        post(json!({ "events": [event("cart:item-added", json!({"productId": 1, "email": "a@b.c"}))] })).await;
    assert_problem_kind(personal, StatusCode::BAD_REQUEST, "bad-request", "personal data").await;
    // The shell forwards payloads without decoding them; the contract is checked here.
    let broken = post(json!({ "events": [event("cart:item-added", json!({"productId": 1}))] })).await;
    let problem =
        assert_problem_kind(broken, StatusCode::BAD_REQUEST, "bad-request", "a payload off its contract").await;
    assert!(problem.detail.unwrap_or_default().contains("does not match the contract"));
    let many: Vec<_> = (0..51).map(|_| event("cart:item-added", json!({"productId": 1, "quantity": 1}))).collect();
    assert_problem_kind(post(json!({ "events": many })).await, StatusCode::BAD_REQUEST, "bad-request", "too many")
        .await;
}

#[tokio::test]
async fn a_wrong_method_is_a_405_problem() {
    let app = spawn_app().await;
    let response = send(app.client.get(app.url("/api/cart/items"))).await;
    assert_problem_kind(response, StatusCode::METHOD_NOT_ALLOWED, "method-not-allowed", "GET /api/cart/items").await;
}

//! The front end the server hands out: the shell for app routes, built files, and 404s.

use reqwest::{header, StatusCode};
use serde_json::json;

use crate::helpers::{assert_problem_kind, send, spawn_app, ASSET_BODY, ASSET_PATH, INDEX_HTML};

// Front end

#[tokio::test]
async fn app_routes_answer_with_the_shell() {
    let app = spawn_app().await;
    for path in ["/", "/products/5", "/categories/tractors", "/search?q=tractor", "/cart", "/checkout/payment"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(response.headers()[header::CACHE_CONTROL], "no-cache", "{path}");
        let content_type = response.headers()[header::CONTENT_TYPE].to_str().unwrap().to_string();
        assert!(content_type.starts_with("text/html"), "{path}: {content_type}");
        assert_eq!(response.text().await.unwrap(), INDEX_HTML, "{path}");
    }
}

#[tokio::test]
async fn built_files_are_served_and_missing_ones_are_404() {
    let app = spawn_app().await;
    let asset = app.get(ASSET_PATH).await;
    assert_eq!(asset.status(), StatusCode::OK);
    let content_type = asset.headers()[header::CONTENT_TYPE].to_str().unwrap().to_string();
    assert!(content_type.contains("javascript"), "{content_type}");
    assert!(asset.headers()[header::CACHE_CONTROL].to_str().unwrap().contains("immutable"));
    assert_eq!(asset.text().await.unwrap(), ASSET_BODY);

    for missing in ["/missing.js", "/assets/missing-0123456789abcdef.js", "/images/products/999.svg"] {
        let response = app.get(missing).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{missing}");
        assert_ne!(response.text().await.unwrap(), INDEX_HTML, "{missing}: a missing file is not the shell");
    }
}

#[tokio::test]
async fn unknown_api_routes_are_404_problems_never_the_shell() {
    let app = spawn_app().await;
    for path in ["/api/nope", "/api/products/1/reviews", "/api", "/api/"] {
        assert_problem_kind(app.get(path).await, StatusCode::NOT_FOUND, "not-found", path).await;
    }
    let post = send(app.client.post(app.url("/api/nope")).json(&json!({}))).await;
    assert_problem_kind(post, StatusCode::NOT_FOUND, "not-found", "POST /api/nope").await;
}

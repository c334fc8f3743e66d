//! The cart API's OpenAPI 3.1 document, generated from the handlers' `#[utoipa::path]`
//! annotations and the `contracts` types: `GET /api/openapi.json`, committed as
//! `docs/openapi.json` (a test keeps the two equal) and fuzzed by schemathesis in
//! `cargo xtask test`.
//!
//! Each handler declares the answers that are its own (`201`, `404`, `409 out-of-stock`, ...).
//! What any route may answer because of the layers in front of it (a shed request, a timeout, a
//! body too large, a cross-site write) is added here once, by [`LayerProblems`], so the
//! document says what a client really meets.

use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::{self, Content, OpenApi as Document, Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use super::{analytics, cart, catalog, checkout, forms, identity};
use crate::error::ApiError;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Store cart API",
        description = "The backend and source of truth of the store: catalogue, carts, identity, checkout and \
                       orders. JSON in camelCase; money is integer minor units with a currency; every error is \
                       an RFC 9457 `application/problem+json` document with a stable `type`.",
        license(name = "MIT OR Apache-2.0"),
    ),
    paths(
        super::health,
        super::ready,
        catalog::list,
        catalog::get,
        catalog::recommendations,
        catalog::categories,
        cart::get,
        cart::add_item,
        cart::set_quantity,
        cart::remove_line,
        forms::add_to_cart,
        identity::sign_up,
        identity::login,
        identity::logout,
        identity::me,
        checkout::start,
        checkout::get,
        checkout::set_address,
        checkout::pay,
        checkout::place_order,
        checkout::list_orders,
        checkout::get_order,
        analytics::record,
        crate::security::csp_report,
    ),
    components(schemas(contracts::api::Problem)),
    modifiers(&LayerProblems),
    tags(
        (name = "operations", description = "Liveness and readiness"),
        (name = "catalog", description = "Products and categories"),
        (name = "cart", description = "The visitor's cart, kept by the session"),
        (name = "identity", description = "Accounts and sessions"),
        (name = "checkout", description = "Checkout sessions, payments and orders (signed in)"),
        (name = "telemetry", description = "What the browser reports"),
    )
)]
pub struct ApiDoc;

/// The document as served and committed: pretty JSON with a final newline.
pub fn document() -> String {
    let mut text = ApiDoc::openapi().to_pretty_json().unwrap_or_default();
    text.push('\n');
    text
}

pub async fn serve() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], document())
}

/// The reference page's own policy: its script and style from here, the document from here,
/// nothing else; stricter than the store's (no wasm, no remote origins).
const DOCS_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; \
                           img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; \
                           report-uri /api/csp-reports";

/// `GET /api/docs` and its assets: the API reference, rendered in the browser from
/// [`document`] by a small script of ours that ships inside the binary (no CDN).
pub async fn docs(Path(file): Path<String>) -> Response {
    let (content_type, body) = match file.as_str() {
        "" | "index.html" => ("text/html; charset=utf-8", include_str!("../../assets/api-docs/index.html")),
        "docs.js" => ("text/javascript; charset=utf-8", include_str!("../../assets/api-docs/docs.js")),
        "docs.css" => ("text/css; charset=utf-8", include_str!("../../assets/api-docs/docs.css")),
        _ => return ApiError::NotFound(format!("/api/docs/{file}")).into_response(),
    };
    ([(header::CONTENT_TYPE, content_type), (header::CONTENT_SECURITY_POLICY, DOCS_POLICY)], body).into_response()
}

pub async fn docs_page() -> Response {
    docs(Path(String::new())).await
}

/// The answers that come from the layers every request passes (see `routes::router`), not from
/// a handler.
struct LayerProblems;

impl Modify for LayerProblems {
    fn modify(&self, openapi: &mut Document) {
        for item in openapi.paths.paths.values_mut() {
            for (writes, operation) in operations(item) {
                let has_body = operation.request_body.is_some();
                // Every checkout route answers its owner only (`routes::checkout`).
                let signed_in_only = operation.tags.as_ref().is_some_and(|tags| tags.iter().any(|t| t == "checkout"));
                let mut add = |status: &str, description: &str| {
                    operation.responses.responses.entry(status.to_string()).or_insert_with(|| problem(description));
                };
                add("400", "The request is not valid (a header, the query or the path)");
                add("408", "The request took longer than REQUEST_TIMEOUT_SECS");
                add("500", "Something went wrong on the server; logged with the trace id");
                add("503", "Overloaded: shed before any work was done; retry after Retry-After");
                if signed_in_only {
                    add("401", "sign-in-required: every checkout route needs a signed-in session");
                }
                if writes {
                    add("403", "A state-changing request from another site (cross-site-request)");
                }
                if has_body {
                    add("413", "The body is larger than 16 KiB");
                    add("415", "The body is not of the declared media type");
                    add("422", "The body does not match its schema (invalid-body)");
                }
            }
        }
    }
}

/// The operations of a path, each with whether it changes state (all but `GET`).
fn operations(item: &mut PathItem) -> impl Iterator<Item = (bool, &mut Operation)> {
    let writes = [&mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
    item.get.iter_mut().map(|get| (false, get)).chain(writes.into_iter().flatten().map(|op| (true, op)))
}

fn problem(description: &str) -> RefOr<openapi::Response> {
    let content = Content::new(Some(Ref::from_schema_name("Problem")));
    ResponseBuilder::new().description(description).content("application/problem+json", content).build().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_of_the_router_is_documented() {
        let document: serde_json::Value = serde_json::from_str(&document()).expect("the document is JSON");
        assert_eq!(document["openapi"], "3.1.0");
        let paths = document["paths"].as_object().expect("paths");
        for path in [
            "/api/health",
            "/api/ready",
            "/api/products",
            "/api/products/{id}",
            "/api/categories",
            "/api/cart",
            "/api/cart/items",
            "/api/cart/items/{lineId}",
            "/cart/items",
            "/api/accounts",
            "/api/session/login",
            "/api/session/logout",
            "/api/me",
            "/api/checkout/sessions",
            "/api/checkout/sessions/{id}",
            "/api/checkout/sessions/{id}/address",
            "/api/payments",
            "/api/orders",
            "/api/orders/{id}",
            "/api/analytics/events",
            "/api/csp-reports",
        ] {
            assert!(paths.contains_key(path), "{path} is not in the document");
        }
    }

    #[test]
    fn every_write_declares_what_its_layers_answer() {
        let document = ApiDoc::openapi();
        let add = document.paths.paths["/api/cart/items"].post.as_ref().expect("POST /api/cart/items");
        for status in ["200", "409", "412", "403", "413", "415", "422", "503"] {
            assert!(add.responses.responses.contains_key(status), "{status} is not declared");
        }
    }

    /// `docs/openapi.json` is what the server serves. `cargo xtask contracts`
    /// writes it after a change to a route or a `contracts` type.
    #[test]
    fn the_committed_document_is_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/openapi.json");
        let current = document();
        if std::env::var_os("UPDATE_CONTRACTS").is_some() {
            std::fs::write(&path, &current).expect("write docs/openapi.json");
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(committed == current, "docs/openapi.json is stale: run `cargo xtask contracts`");
    }
}

//! The HTTP surface of the cart API, against the real router and a fresh SQLite file per test.
//! Each test starts its own server on port 0, so they run in parallel.

use cart_api::config::Config;
use cart_api::Application;
use contracts::api::{Cart, Category, Problem, Product, ProductPage};
use reqwest::{header, StatusCode};
use tempfile::TempDir;

struct TestApp {
    base: String,
    client: reqwest::Client,
    _dir: TempDir,
}

async fn spawn_app() -> TestApp {
    let dir = TempDir::new().unwrap();
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(dist.join("assets")).unwrap();
    std::fs::write(dist.join("index.html"), "<!doctype html><title>shell</title>").unwrap();
    std::fs::write(dist.join("assets/app-0123456789abcdef.js"), "console.log(1)").unwrap();
    let config = Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        database_url: format!("sqlite://{}/test.db", dir.path().display()),
        dist_dir: dist,
    };
    let app = Application::build(config).await.expect("the app starts");
    let base = format!("http://{}", app.local_addr());
    tokio::spawn(app.run_until_stopped());
    TestApp { base, client: new_client(), _dir: dir }
}

fn new_client() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).build().unwrap()
}

impl TestApp {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    async fn products(&self, query: &str) -> ProductPage {
        let response = self.get(&format!("/api/products?{query}")).await;
        assert_eq!(response.status(), StatusCode::OK, "{query}");
        response.json().await.unwrap()
    }

    async fn add(&self, client: &reqwest::Client, body: serde_json::Value) -> reqwest::Response {
        client.post(self.url("/api/cart/items")).json(&body).send().await.unwrap()
    }
}

/// Asserts an RFC 9457 answer with `status` and a `type` of `/problems/<kind>`.
async fn assert_problem(response: reqwest::Response, status: StatusCode, kind: &str) {
    assert_eq!(response.status(), status);
    let content_type = response.headers()[header::CONTENT_TYPE].to_str().unwrap().to_string();
    assert_eq!(content_type, "application/problem+json");
    let problem: Problem = response.json().await.unwrap();
    assert_eq!(problem.status, status.as_u16());
    assert_eq!(problem.kind, format!("/problems/{kind}"));
}

#[tokio::test]
async fn health_answers_ok() {
    let app = spawn_app().await;
    let response = app.get("/api/health").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers().contains_key("server-timing"));
}

#[tokio::test]
async fn lists_products_in_pages() {
    let app = spawn_app().await;
    let first = app.products("").await;
    assert_eq!((first.total, first.page, first.page_size, first.items.len()), (48, 1, 12, 12));
    assert_eq!(app.products("page=4").await.items.len(), 12);
    let beyond = app.products("page=5").await;
    assert!(beyond.items.is_empty());
    assert_eq!(beyond.total, 48);
    let all = app.products("pageSize=48").await;
    let mut ids: Vec<u32> = all.items.iter().map(|p| p.id).collect();
    ids.dedup();
    assert_eq!(ids.len(), 48, "pages do not repeat products");
}

#[tokio::test]
async fn filters_searches_and_sorts_on_the_server() {
    let app = spawn_app().await;
    let tractors = app.products("category=tractors&pageSize=48").await;
    assert_eq!(tractors.total, 10);
    assert!(tractors.items.iter().all(|p| p.category == "tractors"));

    let search = app.products("q=TRACTOR&pageSize=48").await;
    assert!(search.total > 0);
    assert!(search
        .items
        .iter()
        .all(|p| p.name.to_lowercase().contains("tractor") || p.description.to_lowercase().contains("tractor")));

    let prices = |page: &ProductPage| page.items.iter().map(|p| p.price.amount).collect::<Vec<_>>();
    let asc = prices(&app.products("sort=price-asc&pageSize=48").await);
    assert!(asc.windows(2).all(|w| w[0] <= w[1]));
    let desc = prices(&app.products("sort=price-desc&pageSize=48").await);
    assert!(desc.windows(2).all(|w| w[0] >= w[1]));
    let names: Vec<String> = app.products("sort=name&pageSize=48").await.items.into_iter().map(|p| p.name.to_lowercase()).collect();
    assert!(names.windows(2).all(|w| w[0] <= w[1]));
    assert_eq!(app.products("sort=newest").await.total, 48);

    let ranged = app.products("minPrice=1000&maxPrice=5000&pageSize=48").await;
    assert!(ranged.total > 0);
    assert!(ranged.items.iter().all(|p| (1000..=5000).contains(&p.price.amount)));

    let in_stock = app.products("inStock=true&pageSize=48").await;
    assert!(in_stock.total < 48, "the fixture has sold-out products");
    assert!(in_stock.items.iter().all(|p| p.variants.iter().any(|v| v.stock > 0)));
}

#[tokio::test]
async fn refuses_invalid_listing_queries() {
    let app = spawn_app().await;
    for query in ["sort=bogus", "page=0", "pageSize=1000", "minPrice=-1", "minPrice=9&maxPrice=1", "page=abc", "foo=1", "inStock=maybe"] {
        let response = app.get(&format!("/api/products?{query}")).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(response.headers()[header::CONTENT_TYPE], "application/problem+json", "{query}");
    }
}

#[tokio::test]
async fn reads_one_product_and_the_categories() {
    let app = spawn_app().await;
    let product: Product = app.get("/api/products/1").await.json().await.unwrap();
    assert_eq!(product.id, 1);
    assert_eq!(product.variants.iter().map(|v| v.id.as_str()).collect::<Vec<_>>(), ["red", "green", "blue"]);
    assert_problem(app.get("/api/products/99999").await, StatusCode::NOT_FOUND, "not-found").await;
    assert_problem(app.get("/api/products/abc").await, StatusCode::BAD_REQUEST, "bad-request").await;

    let categories: Vec<Category> = app.get("/api/categories").await.json().await.unwrap();
    assert!(categories.len() >= 4);
    assert!(categories.iter().any(|c| c.slug == "tractors" && c.name == "Tractors"));
}

#[tokio::test]
async fn a_cart_is_created_on_first_use_behind_an_http_only_cookie() {
    let app = spawn_app().await;
    let response = app.get("/api/cart").await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = response.headers()[header::SET_COOKIE].to_str().unwrap().to_string();
    let id = cookie.strip_prefix("store_session=").unwrap().split(';').next().unwrap();
    assert_eq!(id.len(), 32);
    assert!(id.bytes().all(|b| b.is_ascii_hexdigit()));
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attribute), "{cookie} lacks {attribute}");
    }
    let cart: Cart = response.json().await.unwrap();
    assert!(!cart.cart_id.is_empty());
    assert_eq!((cart.item_count, cart.lines.len(), cart.subtotal.amount), (0, 0, 0));

    // The same session keeps its cart and gets no new cookie.
    let again = app.get("/api/cart").await;
    assert!(again.headers().get(header::SET_COOKIE).is_none());
    assert_eq!(again.json::<Cart>().await.unwrap().cart_id, cart.cart_id);
}

#[tokio::test]
async fn adding_items_is_priced_by_the_server_and_merges_lines() {
    let app = spawn_app().await;
    let product: Product = app.get("/api/products/1").await.json().await.unwrap();
    let response = app.add(&app.client, serde_json::json!({"productId": 1, "variantId": "red", "quantity": 2})).await;
    assert_eq!(response.status(), StatusCode::OK);
    let cart: Cart = response.json().await.unwrap();
    assert_eq!((cart.item_count, cart.lines.len()), (2, 1));
    let line = &cart.lines[0];
    assert_eq!(line.unit_price, product.price);
    assert_eq!(line.line_total.amount, product.price.amount * 2);
    assert_eq!(cart.subtotal.amount, product.price.amount * 2);

    let cart: Cart = app.add(&app.client, serde_json::json!({"productId": 1, "variantId": "red", "quantity": 1})).await.json().await.unwrap();
    assert_eq!((cart.item_count, cart.lines.len(), cart.lines[0].quantity), (3, 1, 3));
    let cart: Cart = app.add(&app.client, serde_json::json!({"productId": 1, "variantId": "green", "quantity": 1})).await.json().await.unwrap();
    assert_eq!((cart.item_count, cart.lines.len()), (4, 2));

    let read: Cart = app.get("/api/cart").await.json().await.unwrap();
    assert_eq!(read, cart);

    // Another visitor has a cart of their own.
    let other = new_client();
    let theirs: Cart = other.get(app.url("/api/cart")).send().await.unwrap().json().await.unwrap();
    assert_ne!(theirs.cart_id, cart.cart_id);
    assert_eq!(theirs.item_count, 0);
}

#[tokio::test]
async fn a_single_variant_product_needs_no_variant_id() {
    let app = spawn_app().await;
    let single = app.products("pageSize=48").await.items.into_iter().find(|p| p.variants.len() == 1 && p.variants[0].stock > 0).unwrap();
    let response = app.add(&app.client, serde_json::json!({"productId": single.id, "quantity": 1})).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.json::<Cart>().await.unwrap().lines[0].variant_id.as_deref(), Some(single.variants[0].id.as_str()));
}

#[tokio::test]
async fn refuses_what_the_cart_cannot_hold() {
    let app = spawn_app().await;
    let cases = [
        (serde_json::json!({"productId": 99999, "quantity": 1}), StatusCode::UNPROCESSABLE_ENTITY, "unknown-item"),
        (serde_json::json!({"productId": 1, "variantId": "purple", "quantity": 1}), StatusCode::UNPROCESSABLE_ENTITY, "unknown-item"),
        (serde_json::json!({"productId": 1, "variantId": "blue", "quantity": 1}), StatusCode::CONFLICT, "out-of-stock"),
        (serde_json::json!({"productId": 1, "variantId": "green", "quantity": 5}), StatusCode::CONFLICT, "out-of-stock"),
        (serde_json::json!({"productId": 1, "variantId": "red", "quantity": 0}), StatusCode::UNPROCESSABLE_ENTITY, "quantity-limit"),
        (serde_json::json!({"productId": 1, "variantId": "red", "quantity": 100}), StatusCode::UNPROCESSABLE_ENTITY, "quantity-limit"),
        (serde_json::json!({"productId": 1, "quantity": 1}), StatusCode::BAD_REQUEST, "bad-request"),
        (serde_json::json!({"productId": 1, "variantId": "red", "quantity": 1, "price": 1}), StatusCode::UNPROCESSABLE_ENTITY, "invalid-body"),
        (serde_json::json!({"productId": "1", "quantity": 1}), StatusCode::UNPROCESSABLE_ENTITY, "invalid-body"),
        (serde_json::json!({"productId": 1, "variantId": "red", "quantity": -1}), StatusCode::UNPROCESSABLE_ENTITY, "invalid-body"),
    ];
    for (body, status, kind) in cases {
        assert_problem(app.add(&app.client, body).await, status, kind).await;
    }
    // Stock counts what is already in the cart: 4 green exist.
    assert_eq!(app.add(&app.client, serde_json::json!({"productId": 1, "variantId": "green", "quantity": 4})).await.status(), StatusCode::OK);
    assert_problem(
        app.add(&app.client, serde_json::json!({"productId": 1, "variantId": "green", "quantity": 1})).await,
        StatusCode::CONFLICT,
        "out-of-stock",
    )
    .await;
    let cart: Cart = app.get("/api/cart").await.json().await.unwrap();
    assert_eq!(cart.item_count, 4, "refused requests changed nothing");
}

#[tokio::test]
async fn refuses_malformed_bodies_with_problems() {
    let app = spawn_app().await;
    let post = || app.client.post(app.url("/api/cart/items"));
    let not_json = post().header(header::CONTENT_TYPE, "application/json").body("{nope").send().await.unwrap();
    assert_problem(not_json, StatusCode::BAD_REQUEST, "bad-request").await;
    let wrong_type = post().header(header::CONTENT_TYPE, "text/plain").body(r#"{"productId":1,"quantity":1}"#).send().await.unwrap();
    assert_problem(wrong_type, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type").await;
    let huge = format!(r#"{{"productId":1,"quantity":1,"pad":"{}"}}"#, "x".repeat(20 * 1024));
    let too_large = post().header(header::CONTENT_TYPE, "application/json").body(huge).send().await.unwrap();
    assert_problem(too_large, StatusCode::PAYLOAD_TOO_LARGE, "body-too-large").await;
}

#[tokio::test]
async fn serves_the_front_end_with_app_routes_and_missing_files() {
    let app = spawn_app().await;
    for path in ["/", "/products/5", "/categories/tractors", "/checkout/payment"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(response.headers()[header::CACHE_CONTROL], "no-cache", "{path}");
        assert!(response.text().await.unwrap().contains("<title>shell</title>"), "{path}");
    }
    let asset = app.get("/assets/app-0123456789abcdef.js").await;
    assert_eq!(asset.status(), StatusCode::OK);
    assert!(asset.headers()[header::CACHE_CONTROL].to_str().unwrap().contains("immutable"));
    assert_eq!(app.get("/missing.js").await.status(), StatusCode::NOT_FOUND);
    assert_problem(app.get("/api/nope").await, StatusCode::NOT_FOUND, "not-found").await;
}

#[tokio::test]
async fn echoes_the_trace_id_of_the_browser() {
    let app = spawn_app().await;
    let trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    let response = app
        .client
        .get(app.url("/api/products/1"))
        .header("traceparent", format!("00-{trace}-00f067aa0ba902b7-01"))
        .send()
        .await
        .unwrap();
    let echoed = response.headers()["traceparent"].to_str().unwrap();
    assert!(echoed.starts_with(&format!("00-{trace}-")), "{echoed}");
    assert!(response.headers()["server-timing"].to_str().unwrap().starts_with("app;dur="));
}

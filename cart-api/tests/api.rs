//! The HTTP surface of the cart API, against the real router and a fresh SQLite file per test.
//! Each test starts its own server on port 0, so they run in parallel. Every request goes
//! through `common::send`, which fails the test on any 5xx.

mod common;

use std::collections::{BTreeSet, HashSet};

use common::{
    assert_problem, assert_problem_kind, fixture, send, spawn_app, spawn_app_with, visitor, ASSET_BODY, ASSET_PATH,
    INDEX_HTML,
};
use contracts::api::{Cart, Category, Product, ProductPage};
use reqwest::{header, StatusCode};
use serde_json::json;

fn ids(page: &ProductPage) -> Vec<u32> {
    page.items.iter().map(|p| p.id).collect()
}

// ---------------------------------------------------------------------------------------------
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

// ---------------------------------------------------------------------------------------------
// Catalogue listing

#[tokio::test]
async fn product_list_has_the_page_shape_and_defaults() {
    let app = spawn_app().await;
    let response = app.get("/api/products").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
    let raw: serde_json::Value = response.json().await.unwrap();
    let keys: BTreeSet<&str> = raw.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, BTreeSet::from(["items", "total", "page", "pageSize"]));
    assert_eq!(raw["pageSize"], 12);
    assert_eq!(raw["page"], 1);
    assert_eq!(raw["total"], 48);
    let first_item = raw["items"][0].as_object().unwrap();
    for key in ["id", "name", "description", "category", "price", "images", "variants"] {
        assert!(first_item.contains_key(key), "a product has {key}");
    }

    let page: ProductPage = serde_json::from_value(raw).unwrap();
    assert_eq!(page.items.len(), 12);
    // The default order is the catalogue's own: by id.
    assert_eq!(ids(&page), (1..=12).collect::<Vec<_>>());
    assert!(page.items.iter().all(|p| !p.variants.is_empty() && p.price.currency == "EUR"));
}

#[tokio::test]
async fn pages_cover_the_catalogue_without_gaps_or_repeats() {
    let app = spawn_app().await;
    let mut seen = Vec::new();
    for page in 1..=4 {
        let result = app.products(&format!("page={page}")).await;
        assert_eq!((result.page, result.page_size, result.total), (page, 12, 48));
        assert_eq!(result.items.len(), 12, "page {page}");
        seen.extend(ids(&result));
    }
    let unique: BTreeSet<u32> = seen.iter().copied().collect();
    assert_eq!(seen.len(), 48);
    assert_eq!(unique, (1..=48).collect(), "four pages of 12 are the whole catalogue, once each");

    let beyond = app.products("page=5").await;
    assert!(beyond.items.is_empty());
    assert_eq!((beyond.total, beyond.page), (48, 5));

    // A page size that does not divide the catalogue: 48 = 9 * 5 + 3.
    let last = app.products("pageSize=5&page=10").await;
    assert_eq!((last.items.len(), last.page_size, last.total), (3, 5, 48));
    assert_eq!(ids(&last), [46, 47, 48]);
    assert_eq!(app.products("pageSize=48").await.items.len(), 48);
}

#[tokio::test]
async fn filters_by_category() {
    let app = spawn_app().await;
    let fixture = fixture();
    let categories: Vec<Category> = app.get("/api/categories").await.json().await.unwrap();
    let mut total = 0;
    for category in &categories {
        let page = app.products(&format!("category={}&pageSize=48", category.slug)).await;
        let expected: Vec<u32> =
            fixture.products.iter().filter(|p| p.category == category.slug).map(|p| p.id).collect();
        assert!(!expected.is_empty(), "{} has products", category.slug);
        assert_eq!(page.total as usize, expected.len(), "{}", category.slug);
        assert_eq!(ids(&page), expected, "{}", category.slug);
        assert!(page.items.iter().all(|p| p.category == category.slug));
        total += page.total;
    }
    assert_eq!(total, 48, "every product is in exactly one category");

    // The total counts the filtered set, not the page.
    let paged = app.products("category=tractors&pageSize=4&page=3").await;
    assert_eq!((paged.total, paged.items.len()), (10, 2));

    let unknown = app.products("category=spaceships").await;
    assert_eq!((unknown.total, unknown.items.len()), (0, 0));
}

#[tokio::test]
async fn searches_case_insensitively() {
    let app = spawn_app().await;
    let fixture = fixture();
    for term in ["tractor", "Boots", "filter"] {
        let needle = term.to_lowercase();
        let expected: BTreeSet<u32> = fixture
            .products
            .iter()
            .filter(|p| p.name.to_lowercase().contains(&needle) || p.description.to_lowercase().contains(&needle))
            .map(|p| p.id)
            .collect();
        let by_name: BTreeSet<u32> =
            fixture.products.iter().filter(|p| p.name.to_lowercase().contains(&needle)).map(|p| p.id).collect();
        assert!(!by_name.is_empty(), "the fixture has a name with {term:?}");

        for spelling in [term.to_lowercase(), term.to_uppercase(), term.to_string()] {
            let page = app.products(&format!("q={spelling}&pageSize=48")).await;
            let found: BTreeSet<u32> = ids(&page).into_iter().collect();
            assert_eq!(page.total as usize, found.len(), "q={spelling}");
            assert!(by_name.is_subset(&found), "q={spelling}: every name containing it is found");
            assert_eq!(found, expected, "q={spelling}");
            for p in &page.items {
                assert!(
                    p.name.to_lowercase().contains(&needle) || p.description.to_lowercase().contains(&needle),
                    "q={spelling} found {}",
                    p.name
                );
            }
        }
    }

    // A substring in the middle of a name, with a space (form-encoded as `+`).
    let page = app.products("q=field+jack").await;
    assert_eq!(ids(&page), [32], "Waxed Field Jacket");

    // LIKE wildcards are literal characters, not patterns.
    assert_eq!(app.products("q=%25").await.total, 0);
    assert_eq!(app.products("q=_").await.total, 0);
    // A blank search is no search.
    assert_eq!(app.products("q=+++").await.total, 48);
    assert_eq!(app.products("q=no-such-thing-anywhere").await.total, 0);
}

#[tokio::test]
async fn sorts_on_the_server() {
    let app = spawn_app().await;
    let fixture = fixture();
    let all: BTreeSet<u32> = (1..=48).collect();

    let asc = app.products("sort=price-asc&pageSize=48").await;
    let prices: Vec<i64> = asc.items.iter().map(|p| p.price.amount).collect();
    assert!(prices.windows(2).all(|w| w[0] <= w[1]), "price-asc: {prices:?}");
    assert_eq!(ids(&asc).into_iter().collect::<BTreeSet<_>>(), all);
    let cheapest = fixture.products.iter().map(|p| p.price).min().unwrap();
    assert_eq!(prices[0], cheapest);

    let desc = app.products("sort=price-desc&pageSize=48").await;
    let prices: Vec<i64> = desc.items.iter().map(|p| p.price.amount).collect();
    assert!(prices.windows(2).all(|w| w[0] >= w[1]), "price-desc: {prices:?}");
    assert_eq!(prices[0], fixture.products.iter().map(|p| p.price).max().unwrap());
    assert_eq!(ids(&desc).into_iter().collect::<BTreeSet<_>>(), all);

    let by_name = app.products("sort=name&pageSize=48").await;
    let names: Vec<String> = by_name.items.iter().map(|p| p.name.to_lowercase()).collect();
    assert!(names.windows(2).all(|w| w[0] <= w[1]), "name: {names:?}");
    assert_eq!(names.len(), 48);

    let newest = app.products("sort=newest&pageSize=48").await;
    let mut expected = fixture.products.clone();
    expected.sort_by(|a, b| b.added_at.cmp(&a.added_at).then(a.id.cmp(&b.id)));
    assert_eq!(ids(&newest), expected.iter().map(|p| p.id).collect::<Vec<_>>(), "newest first");

    // Sorting happens before paging: page 2 of price-asc continues page 1.
    let first = app.products("sort=price-asc&pageSize=6").await;
    let second = app.products("sort=price-asc&pageSize=6&page=2").await;
    assert_eq!(
        [ids(&first), ids(&second)].concat(),
        ids(&asc)[..12].to_vec(),
        "pages of a sorted listing are slices of it"
    );

    // The default and `featured` are the catalogue's order.
    assert_eq!(ids(&app.products("sort=featured&pageSize=48").await), (1..=48).collect::<Vec<_>>());
}

#[tokio::test]
async fn price_bounds_are_respected_and_inclusive() {
    let app = spawn_app().await;
    let fixture = fixture();
    for (min, max) in
        [(Some(1000), Some(5000)), (Some(20000), Some(40000)), (Some(1_000_000), None), (None, Some(10000))]
    {
        let mut query = String::from("pageSize=48");
        if let Some(min) = min {
            query.push_str(&format!("&minPrice={min}"));
        }
        if let Some(max) = max {
            query.push_str(&format!("&maxPrice={max}"));
        }
        let page = app.products(&query).await;
        let within = |price: i64| min.is_none_or(|m| price >= m) && max.is_none_or(|m| price <= m);
        let expected: Vec<u32> = fixture.products.iter().filter(|p| within(p.price)).map(|p| p.id).collect();
        assert!(!expected.is_empty(), "{query}");
        assert_eq!(ids(&page), expected, "{query}");
        assert_eq!(page.total as usize, expected.len(), "{query}");
        assert!(page.items.iter().all(|p| within(p.price.amount)), "{query}");
    }

    // Both bounds are inclusive: product 1 costs exactly 4 200 000.
    let exact = app.products("minPrice=4200000&maxPrice=4200000").await;
    assert_eq!(ids(&exact), [1]);
    assert_eq!(app.products("minPrice=4200001&maxPrice=4200001").await.total, 0);
}

#[tokio::test]
async fn in_stock_excludes_products_whose_variants_are_all_sold_out() {
    let app = spawn_app().await;
    let fixture = fixture();
    let sold_out: BTreeSet<u32> =
        fixture.products.iter().filter(|p| p.stocks.iter().all(|(_, s)| *s == 0)).map(|p| p.id).collect();
    assert!(!sold_out.is_empty(), "the fixture has sold-out products");

    let page = app.products("inStock=true&pageSize=48").await;
    assert_eq!(page.total as usize, 48 - sold_out.len());
    let found: BTreeSet<u32> = ids(&page).into_iter().collect();
    assert!(found.is_disjoint(&sold_out), "sold out products are left out");
    assert!(page.items.iter().all(|p| p.variants.iter().any(|v| v.stock > 0)));
    // Product 1 has a sold-out variant (blue) but others in stock: it stays.
    assert!(found.contains(&1));

    assert_eq!(app.products("inStock=false").await.total, 48, "false does not filter");
    let combined = app.products("inStock=true&category=implements&pageSize=48").await;
    assert!(combined.items.iter().all(|p| p.category == "implements" && p.variants.iter().any(|v| v.stock > 0)));
    assert_eq!(combined.total, 8, "implements 12 and 13 are sold out");
}

#[tokio::test]
async fn refuses_invalid_listing_queries_with_problems() {
    let app = spawn_app().await;
    for query in [
        "sort=bogus",
        "page=0",
        "pageSize=0",
        "pageSize=1000",
        "minPrice=-1",
        "maxPrice=-5",
        "minPrice=9&maxPrice=1",
        "page=abc",
        "page=-1",
        "pageSize=1.5",
        "minPrice=cheap",
        "inStock=maybe",
        "foo=1",
        "page=1&page=2",
    ] {
        let response = app.get(&format!("/api/products?{query}")).await;
        assert_problem(response, StatusCode::BAD_REQUEST, query).await;
    }
    let long = "x".repeat(101);
    assert_problem(app.get(&format!("/api/products?q={long}")).await, StatusCode::BAD_REQUEST, "q too long").await;
}

// ---------------------------------------------------------------------------------------------
// One product, categories

#[tokio::test]
async fn reads_one_product_with_its_variants() {
    let app = spawn_app().await;
    let response = app.get("/api/products/1").await;
    assert_eq!(response.status(), StatusCode::OK);
    let product: Product = response.json().await.unwrap();
    let fixture = fixture();
    let expected = &fixture.products[0];
    assert_eq!((product.id, product.name.as_str(), product.price.amount), (1, expected.name.as_str(), expected.price));
    assert_eq!(product.price.currency, "EUR");
    assert!(!product.images.is_empty());
    let variants: Vec<(&str, u32)> = product.variants.iter().map(|v| (v.id.as_str(), v.stock)).collect();
    assert_eq!(variants, [("red", 12), ("green", 4), ("blue", 0)]);
    assert!(product.variants.iter().all(|v| !v.name.is_empty()));

    // The detail and the listing agree.
    let listed = app.products("").await.items.into_iter().find(|p| p.id == 1).unwrap();
    assert_eq!(listed, product);
}

#[tokio::test]
async fn unknown_or_malformed_product_ids_are_problems() {
    let app = spawn_app().await;
    assert_problem_kind(app.get("/api/products/99999").await, StatusCode::NOT_FOUND, "not-found", "99999").await;
    assert_problem_kind(app.get("/api/products/0").await, StatusCode::NOT_FOUND, "not-found", "0").await;
    for bad in ["abc", "-1", "1.5", "99999999999"] {
        assert_problem(app.get(&format!("/api/products/{bad}")).await, StatusCode::BAD_REQUEST, bad).await;
    }
}

#[tokio::test]
async fn lists_the_categories() {
    let app = spawn_app().await;
    let response = app.get("/api/categories").await;
    assert_eq!(response.status(), StatusCode::OK);
    let categories: Vec<Category> = response.json().await.unwrap();
    assert!(categories.len() >= 4, "{categories:?}");
    assert!(categories.iter().all(|c| !c.slug.is_empty() && !c.name.is_empty()));
    let slugs: HashSet<&str> = categories.iter().map(|c| c.slug.as_str()).collect();
    assert_eq!(slugs.len(), categories.len(), "slugs are unique");
    let expected: Vec<(String, String)> = categories.iter().map(|c| (c.slug.clone(), c.name.clone())).collect();
    assert_eq!(expected, fixture().categories, "in the catalogue's order");
}

// ---------------------------------------------------------------------------------------------
// Cart and session

/// `(name=value, attributes)` of a `Set-Cookie` header.
fn parse_set_cookie(value: &str) -> ((String, String), Vec<String>) {
    let mut parts = value.split(';').map(str::trim);
    let (name, value) = parts.next().unwrap().split_once('=').unwrap();
    ((name.to_string(), value.to_string()), parts.map(str::to_string).collect())
}

fn assert_session_cookie(response: &reqwest::Response) -> String {
    let cookies: Vec<&str> =
        response.headers().get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap()).collect();
    assert_eq!(cookies.len(), 1, "{cookies:?}");
    let ((name, id), attributes) = parse_set_cookie(cookies[0]);
    assert_eq!(name, "store_session");
    assert_eq!(id.len(), 32, "{id}");
    assert!(id.bytes().all(|b| b.is_ascii_hexdigit()), "{id}");
    let attributes: HashSet<String> = attributes.into_iter().collect();
    // Max-Age: the cookie outlives the browser, as long as the session's 30 idle days.
    for wanted in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=2592000"] {
        assert!(attributes.contains(wanted), "{cookies:?} lacks {wanted}");
    }
    id
}

#[tokio::test]
async fn first_cart_visit_sets_an_http_only_session_cookie_and_an_empty_cart() {
    let app = spawn_app().await;
    let response = app.get("/api/cart").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_session_cookie(&response);
    let cart: Cart = response.json().await.unwrap();
    assert!(!cart.cart_id.is_empty());
    assert_eq!((cart.item_count, cart.lines.len()), (0, 0));
    assert_eq!((cart.totals.subtotal.amount, cart.totals.subtotal.currency.as_str()), (0, "EUR"));

    // The same session keeps its cart and gets no new cookie.
    let again = app.get("/api/cart").await;
    assert!(again.headers().get(header::SET_COOKIE).is_none());
    assert_eq!(again.json::<Cart>().await.unwrap(), cart);
}

#[tokio::test]
async fn an_unknown_session_id_gets_a_fresh_session() {
    let app = spawn_app().await;
    // A client without a jar, sending a well-formed id the server never issued.
    let client = reqwest::Client::new();
    let forged = "0123456789abcdef0123456789abcdef";
    let response =
        send(client.get(app.url("/api/cart")).header(header::COOKIE, format!("store_session={forged}"))).await;
    assert_eq!(response.status(), StatusCode::OK);
    let issued = assert_session_cookie(&response);
    assert_ne!(issued, forged, "the server never adopts an id it did not issue");
    let fresh: Cart = response.json().await.unwrap();
    assert_eq!(fresh.item_count, 0);

    // A malformed cookie is ignored the same way.
    let response = send(client.get(app.url("/api/cart")).header(header::COOKIE, "store_session=../../etc")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_session_cookie(&response);
}

#[tokio::test]
async fn a_session_left_idle_for_30_days_is_over() {
    let app = spawn_app().await;
    let cart: Cart = app.add(json!({"productId": 1, "variantId": "red", "quantity": 1})).await.json().await.unwrap();
    let db = common::open_database(&app.database.url).await;
    let day = 24 * 60 * 60 * 1000_i64;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64;
    let last_used = |at: i64| {
        let db = db.clone();
        async move { sqlx::query("UPDATE sessions SET seen_at = $1").bind(at).execute(&db).await.unwrap() }
    };

    // Idle for 29 days: still the visitor's, and this visit counts as a use: the cookie comes
    // again, good for another 30 days.
    last_used(now - 29 * day).await;
    let response = app.get("/api/cart").await;
    assert_session_cookie(&response);
    assert_eq!(response.json::<Cart>().await.unwrap(), cart);
    let seen: i64 = sqlx::query_scalar("SELECT seen_at FROM sessions").fetch_one(&db).await.unwrap();
    assert!(seen >= now, "the visit renews the session");

    // Idle for 31 days: over. The visitor goes on as a new guest, with an empty cart.
    last_used(now - 31 * day).await;
    let response = app.get("/api/cart").await;
    assert_session_cookie(&response);
    let fresh: Cart = response.json().await.unwrap();
    assert_ne!(fresh.cart_id, cart.cart_id);
    assert_eq!(fresh.item_count, 0);
}

#[tokio::test]
async fn adding_an_item_is_priced_by_the_server() {
    let app = spawn_app().await;
    let product: Product = app.get("/api/products/1").await.json().await.unwrap();

    // The first request of this visitor is the add: it opens the session too.
    let response = app.add(json!({"productId": 1, "variantId": "red", "quantity": 2})).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
    assert_session_cookie(&response);
    let cart: Cart = response.json().await.unwrap();
    assert_eq!((cart.item_count, cart.lines.len()), (2, 1));
    let line = &cart.lines[0];
    assert_eq!((line.product_id, line.variant_id.as_deref(), line.quantity), (1, Some("red"), 2));
    assert!(line.name.contains(&product.name), "{}", line.name);
    assert_eq!(line.unit_price, product.price);
    assert_eq!(line.line_total.amount, product.price.amount * 2);
    assert_eq!(line.line_total.currency, "EUR");
    assert_eq!(cart.totals.subtotal.amount, product.price.amount * 2);
    assert_eq!(cart.totals.subtotal.currency, "EUR");

    // Persisted within the session.
    let read = app.get("/api/cart").await;
    assert!(read.headers().get(header::SET_COOKIE).is_none());
    assert_eq!(read.json::<Cart>().await.unwrap(), cart);
}

#[tokio::test]
async fn adding_the_same_variant_merges_the_line() {
    let app = spawn_app().await;
    let first: Cart = app.add(json!({"productId": 1, "variantId": "red", "quantity": 2})).await.json().await.unwrap();
    let response = app.add(json!({"productId": 1, "variantId": "red", "quantity": 1})).await;
    assert_eq!(response.status(), StatusCode::OK);
    let merged: Cart = response.json().await.unwrap();
    assert_eq!(merged.cart_id, first.cart_id);
    assert_eq!((merged.item_count, merged.lines.len(), merged.lines[0].quantity), (3, 1, 3));
    assert_eq!(merged.lines[0].line_id, first.lines[0].line_id, "the same line, not a new one");
    assert_eq!(merged.lines[0].line_total.amount, merged.lines[0].unit_price.amount * 3);

    // Another variant is another line; totals add up.
    let two_lines: Cart =
        app.add(json!({"productId": 1, "variantId": "green", "quantity": 1})).await.json().await.unwrap();
    assert_eq!((two_lines.item_count, two_lines.lines.len()), (4, 2));
    assert_eq!(two_lines.totals.subtotal.amount, two_lines.lines.iter().map(|l| l.line_total.amount).sum::<i64>());

    // A single-variant product needs no variantId.
    let single: Cart = app.add(json!({"productId": 2, "quantity": 1})).await.json().await.unwrap();
    let line = single.lines.iter().find(|l| l.product_id == 2).unwrap();
    assert_eq!(line.variant_id.as_deref(), Some("standard"));
    assert_eq!(single.item_count, 5);

    let read: Cart = app.get("/api/cart").await.json().await.unwrap();
    assert_eq!(read, single);
}

#[tokio::test]
async fn every_visitor_has_a_cart_of_their_own() {
    let app = spawn_app().await;
    let mine: Cart = app.add(json!({"productId": 1, "variantId": "red", "quantity": 2})).await.json().await.unwrap();

    let other = visitor();
    let response = app.get_as(&other, "/api/cart").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_session_cookie(&response);
    let theirs: Cart = response.json().await.unwrap();
    assert_ne!(theirs.cart_id, mine.cart_id);
    assert_eq!((theirs.item_count, theirs.lines.len()), (0, 0));

    let theirs: Cart = app.add_as(&other, json!({"productId": 2, "quantity": 1})).await.json().await.unwrap();
    assert_eq!(theirs.item_count, 1);
    // Neither add touched the other cart.
    let mine_again: Cart = app.get("/api/cart").await.json().await.unwrap();
    assert_eq!(mine_again, mine);
}

#[tokio::test]
async fn refuses_what_the_cart_cannot_hold() {
    let app = spawn_app().await;
    let cases = [
        (json!({"productId": 99999, "quantity": 1}), StatusCode::UNPROCESSABLE_ENTITY, "unknown-item"),
        (
            json!({"productId": 99999, "variantId": "red", "quantity": 1}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown-item",
        ),
        (
            json!({"productId": 1, "variantId": "purple", "quantity": 1}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown-item",
        ),
        (json!({"productId": 1, "variantId": "blue", "quantity": 1}), StatusCode::CONFLICT, "out-of-stock"),
        (json!({"productId": 1, "variantId": "green", "quantity": 5}), StatusCode::CONFLICT, "out-of-stock"),
        (
            json!({"productId": 1, "variantId": "red", "quantity": 0}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "quantity-limit",
        ),
        (
            json!({"productId": 1, "variantId": "red", "quantity": 100}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "quantity-limit",
        ),
        (json!({"productId": 1, "quantity": 1}), StatusCode::BAD_REQUEST, "bad-request"),
        (json!({"productId": 1, "variantId": null, "quantity": 1}), StatusCode::BAD_REQUEST, "bad-request"),
    ];
    for (body, status, kind) in cases {
        let context = body.to_string();
        assert_problem_kind(app.add(body).await, status, kind, &context).await;
    }
    let cart: Cart = app.get("/api/cart").await.json().await.unwrap();
    assert_eq!((cart.item_count, cart.lines.len()), (0, 0), "refused requests changed nothing");
}

#[tokio::test]
async fn stock_counts_what_is_already_in_the_cart() {
    let app = spawn_app().await;
    // 4 green exist.
    assert_eq!(app.add(json!({"productId": 1, "variantId": "green", "quantity": 3})).await.status(), StatusCode::OK);
    assert_eq!(app.add(json!({"productId": 1, "variantId": "green", "quantity": 1})).await.status(), StatusCode::OK);
    let over = app.add(json!({"productId": 1, "variantId": "green", "quantity": 1})).await;
    assert_problem_kind(over, StatusCode::CONFLICT, "out-of-stock", "a fifth green").await;
    // 12 red exist.
    assert_eq!(app.add(json!({"productId": 1, "variantId": "red", "quantity": 10})).await.status(), StatusCode::OK);
    let over = app.add(json!({"productId": 1, "variantId": "red", "quantity": 3})).await;
    assert_problem_kind(over, StatusCode::CONFLICT, "out-of-stock", "10 + 3 red").await;

    let cart: Cart = app.get("/api/cart").await.json().await.unwrap();
    let quantities: Vec<(&str, u32)> =
        cart.lines.iter().map(|l| (l.variant_id.as_deref().unwrap(), l.quantity)).collect();
    assert_eq!(quantities, [("green", 4), ("red", 10)]);
    assert_eq!(cart.item_count, 14);

    // Stock is per visitor's cart: another visitor can still take 4 green.
    let other = visitor();
    assert_eq!(
        app.add_as(&other, json!({"productId": 1, "variantId": "green", "quantity": 4})).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn concurrent_adds_never_exceed_the_stock() {
    let app = spawn_app().await;
    assert_eq!(app.get("/api/cart").await.status(), StatusCode::OK); // open the session first
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..12 {
        let request = app
            .client
            .post(app.url("/api/cart/items"))
            .json(&json!({"productId": 1, "variantId": "green", "quantity": 1}));
        tasks.spawn(async move { send(request).await.status() });
    }
    let mut statuses = Vec::new();
    while let Some(status) = tasks.join_next().await {
        statuses.push(status.unwrap());
    }
    let ok = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    let conflict = statuses.iter().filter(|s| **s == StatusCode::CONFLICT).count();
    assert_eq!((ok, conflict), (4, 8), "{statuses:?}");
    let cart: Cart = app.get("/api/cart").await.json().await.unwrap();
    assert_eq!((cart.item_count, cart.lines.len()), (4, 1));
}

#[tokio::test]
async fn a_client_cannot_send_a_price() {
    let app = spawn_app().await;
    let response = app
        .add(json!({"productId": 1, "variantId": "red", "quantity": 1, "price": {"amount": 1, "currency": "EUR"}}))
        .await;
    assert!(response.status().is_client_error(), "{}", response.status());
    let status = response.status();
    assert_problem(response, status, "extra price field").await;
    let response = app.add(json!({"productId": 1, "variantId": "red", "quantity": 1, "unitPrice": 1})).await;
    assert!(response.status().is_client_error(), "{}", response.status());
    let cart: Cart = app.get("/api/cart").await.json().await.unwrap();
    assert_eq!(cart.item_count, 0, "nothing was added at a client's price");
}

#[tokio::test]
async fn refuses_malformed_bodies_with_problems() {
    let app = spawn_app().await;
    let json = Some("application/json");

    assert_problem(app.post_raw(json, "{nope").await, StatusCode::BAD_REQUEST, "invalid JSON").await;
    assert_problem(app.post_raw(json, "").await, StatusCode::BAD_REQUEST, "empty body").await;
    for body in [
        r#"{"productId":"1","quantity":1}"#,
        r#"{"productId":1,"quantity":-1}"#,
        r#"{"productId":1,"quantity":1.5}"#,
        "[]",
        "null",
        r#"{"quantity":1}"#,
    ] {
        let response = app.post_raw(json, body).await;
        assert!(response.status().is_client_error(), "{body}: {}", response.status());
        let status = response.status();
        assert_problem(response, status, body).await;
    }

    let valid = r#"{"productId":2,"quantity":1}"#;
    let wrong_type = app.post_raw(Some("text/plain"), valid).await;
    assert_problem_kind(wrong_type, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type", "text/plain").await;
    let form = app.post_raw(Some("application/x-www-form-urlencoded"), "productId=2&quantity=1").await;
    assert_problem(form, StatusCode::UNSUPPORTED_MEDIA_TYPE, "form").await;
    let no_type = app.post_raw(None, valid).await;
    assert_problem(no_type, StatusCode::UNSUPPORTED_MEDIA_TYPE, "no content type").await;

    let cart: Cart = app.get("/api/cart").await.json().await.unwrap();
    assert_eq!(cart.item_count, 0, "nothing malformed was added");
}

/// `{"productId":2,"quantity":1}` padded with JSON whitespace to exactly `len` bytes.
fn padded_body(len: usize) -> String {
    let head = r#"{"productId":2,"quantity":1"#;
    let body = format!("{head}{}}}", " ".repeat(len - head.len() - 1));
    assert_eq!(body.len(), len);
    body
}

#[tokio::test]
async fn bodies_over_16_kib_are_refused_with_413() {
    let app = spawn_app().await;
    let json = Some("application/json");
    let too_large = app.post_raw(json, padded_body(16 * 1024 + 1)).await;
    assert_problem_kind(too_large, StatusCode::PAYLOAD_TOO_LARGE, "body-too-large", "16 KiB + 1").await;
    let huge = format!(r#"{{"productId":1,"quantity":1,"pad":"{}"}}"#, "x".repeat(64 * 1024));
    assert_problem_kind(app.post_raw(json, huge).await, StatusCode::PAYLOAD_TOO_LARGE, "body-too-large", "64 KiB")
        .await;

    // 16 KiB itself is allowed.
    let at_limit = app.post_raw(json, padded_body(16 * 1024)).await;
    assert_eq!(at_limit.status(), StatusCode::OK);
    assert_eq!(at_limit.json::<Cart>().await.unwrap().item_count, 1);
}

// ---------------------------------------------------------------------------------------------
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

// ---------------------------------------------------------------------------------------------
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

// ---------------------------------------------------------------------------------------------
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

// ---------------------------------------------------------------------------------------------
// Security headers

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let app = spawn_app().await;
    for path in ["/", "/products/3", "/api/health", "/api/products/1", "/missing.js"] {
        let response = app.get(path).await;
        let h = response.headers();
        let csp = h[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval';"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{path}");
        assert_eq!(h[header::REFERRER_POLICY], "strict-origin-when-cross-origin", "{path}");
    }
    let report = send(
        app.client
            .post(app.url("/api/csp-reports"))
            .header(header::CONTENT_TYPE, "application/csp-report")
            .body(r#"{"csp-report":{"violated-directive":"script-src"}}"#),
    )
    .await;
    assert_eq!(report.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn cross_site_writes_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let body = json!({"productId": 1, "variantId": "red", "quantity": 1});
    let evil_origin =
        send(app.client.post(app.url("/api/cart/items")).header("origin", "https://evil.test").json(&body)).await;
    assert_problem_kind(evil_origin, StatusCode::FORBIDDEN, "cross-site-request", "foreign Origin").await;
    let cross_site =
        send(app.client.post(app.url("/api/cart/items")).header("sec-fetch-site", "cross-site").json(&body)).await;
    assert_problem_kind(cross_site, StatusCode::FORBIDDEN, "cross-site-request", "Sec-Fetch-Site").await;
    let cart: Cart = app.get("/api/cart").await.json().await.unwrap();
    assert_eq!(cart.item_count, 0);

    let own_origin = app.base.clone();
    let same = send(
        app.client
            .post(app.url("/api/cart/items"))
            .header("origin", own_origin)
            .header("sec-fetch-site", "same-origin")
            .json(&body),
    )
    .await;
    assert_eq!(same.status(), StatusCode::OK);
}

// ---------------------------------------------------------------------------------------------
// Idempotency and concurrency

#[tokio::test]
async fn a_repeated_idempotency_key_replays_without_a_second_effect() {
    let app = spawn_app().await;
    let body = json!({"productId": 1, "variantId": "red", "quantity": 2});
    let add = |key: &str, body: &serde_json::Value| {
        send(app.client.post(app.url("/api/cart/items")).header("idempotency-key", key).json(body))
    };
    let first = add("key-1", &body).await;
    assert_eq!(first.headers()["idempotent-replayed"], "false");
    let first: Cart = first.json().await.unwrap();
    let again = add("key-1", &body).await;
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.json::<Cart>().await.unwrap(), first);
    let cart: Cart = app.get("/api/cart").await.json().await.unwrap();
    assert_eq!(cart.item_count, 2, "the repeat added nothing");

    let other_body = json!({"productId": 1, "variantId": "red", "quantity": 1});
    assert_problem_kind(
        add("key-1", &other_body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency-key-reused",
        "reused key",
    )
    .await;
    assert_problem_kind(add("", &body).await, StatusCode::BAD_REQUEST, "bad-request", "empty key").await;

    // Keys belong to a session: another visitor's same key is a new request.
    let other = visitor();
    let theirs = send(other.post(app.url("/api/cart/items")).header("idempotency-key", "key-1").json(&body)).await;
    assert_eq!(theirs.headers()["idempotent-replayed"], "false");
}

#[tokio::test]
async fn forty_concurrent_adds_to_one_cart_all_count() {
    let app = spawn_app().await;
    let product = fixture()
        .products
        .into_iter()
        .find(|p| p.stocks.len() == 1 && p.stocks[0].1 >= 40)
        .expect("a well stocked product");
    // Create the session first, so all forty share it.
    let _ = app.get("/api/cart").await;
    let mut adds = tokio::task::JoinSet::new();
    for _ in 0..40 {
        let request =
            app.client.post(app.url("/api/cart/items")).json(&json!({"productId": product.id, "quantity": 1}));
        adds.spawn(async move { send(request).await.status() });
    }
    while let Some(status) = adds.join_next().await {
        assert_eq!(status.unwrap(), StatusCode::OK);
    }
    let cart: Cart = app.get("/api/cart").await.json().await.unwrap();
    assert_eq!(cart.item_count, 40);
    assert_eq!(cart.lines.len(), 1);
}

#[tokio::test]
async fn over_https_the_session_cookie_is_a_host_cookie_and_hsts_is_sent() {
    let app = spawn_app_with(true).await;
    let response = app.get("/api/cart").await;
    let hsts = response.headers().get(header::STRICT_TRANSPORT_SECURITY).map(|v| v.to_str().unwrap().to_string());
    assert_eq!(hsts.as_deref(), Some("max-age=63072000; includeSubDomains"));
    let cookie = response.headers()[header::SET_COOKIE].to_str().unwrap().to_string();
    let ((name, id), attributes) = parse_set_cookie(&cookie);
    assert_eq!(name, "__Host-store_session", "{cookie}");
    // What browsers demand of a __Host- cookie: Secure, Path=/ and no Domain.
    for wanted in ["Secure", "Path=/", "HttpOnly", "SameSite=Lax", "Max-Age=2592000"] {
        assert!(attributes.iter().any(|a| a == wanted), "{cookie} lacks {wanted}");
    }
    assert!(!attributes.iter().any(|a| a.starts_with("Domain")), "{cookie}");

    // The session is found under that name, and a plain one (a sibling subdomain could have
    // set it) is not believed.
    let plain = reqwest::Client::new();
    let again =
        send(plain.get(app.url("/api/cart")).header(header::COOKIE, format!("__Host-store_session={id}"))).await;
    assert!(again.headers().get(header::SET_COOKIE).is_none());
    let tossed = send(plain.get(app.url("/api/cart")).header(header::COOKIE, format!("store_session={id}"))).await;
    let fresh = tossed.headers()[header::SET_COOKIE].to_str().unwrap().to_string();
    assert_ne!(parse_set_cookie(&fresh).0 .1, id, "a plain cookie was believed over HTTPS");

    let plain_app = spawn_app().await;
    let response = plain_app.get("/api/cart").await;
    assert!(response.headers().get(header::STRICT_TRANSPORT_SECURITY).is_none());
    let cookie = response.headers()[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.starts_with("store_session=") && !cookie.contains("Secure"), "{cookie}");
}

#[tokio::test]
async fn a_renewed_session_gets_its_cookie_again_with_a_fresh_max_age() {
    let app = spawn_app().await;
    let id = assert_session_cookie(&app.get("/api/cart").await);
    // Last seen two hours ago: this visit renews the session, and with it the cookie.
    let db = common::open_database(&app.database.url).await;
    sqlx::query("UPDATE sessions SET seen_at = seen_at - 7200000").execute(&db).await.unwrap();
    let renewed = app.get("/api/cart").await;
    assert_eq!(assert_session_cookie(&renewed), id);
    // Renewed within the hour: no cookie again.
    assert!(app.get("/api/cart").await.headers().get(header::SET_COOKIE).is_none());
}

// ---------------------------------------------------------------------------------------------
// Changing and removing lines

#[tokio::test]
async fn lines_can_be_changed_and_removed_only_by_their_owner() {
    let app = spawn_app().await;
    let cart: Cart = app.add(json!({"productId": 1, "variantId": "red", "quantity": 1})).await.json().await.unwrap();
    let line = cart.lines[0].line_id.clone();
    let url = app.url(&format!("/api/cart/items/{line}"));

    let changed: Cart = send(app.client.patch(&url).json(&json!({"quantity": 5}))).await.json().await.unwrap();
    assert_eq!((changed.item_count, changed.lines[0].quantity), (5, 5));
    assert_eq!(changed.totals.subtotal.amount, changed.lines[0].unit_price.amount * 5);
    assert_problem_kind(
        send(app.client.patch(&url).json(&json!({"quantity": 13}))).await,
        StatusCode::CONFLICT,
        "out-of-stock",
        "over stock",
    )
    .await;
    assert_problem_kind(
        send(app.client.patch(&url).json(&json!({"quantity": 0}))).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "quantity-limit",
        "zero",
    )
    .await;

    // Another visitor can neither change nor remove it.
    let other = visitor();
    let _ = send(other.get(app.url("/api/cart"))).await;
    assert_problem_kind(
        send(other.patch(&url).json(&json!({"quantity": 1}))).await,
        StatusCode::NOT_FOUND,
        "not-found",
        "foreign patch",
    )
    .await;
    assert_problem_kind(send(other.delete(&url)).await, StatusCode::NOT_FOUND, "not-found", "foreign delete").await;
    assert_problem_kind(send(visitor().delete(&url)).await, StatusCode::NOT_FOUND, "not-found", "no session").await;
    let mine: Cart = app.get("/api/cart").await.json().await.unwrap();
    assert_eq!(mine.item_count, 5, "nothing changed");

    let emptied: Cart = send(app.client.delete(&url)).await.json().await.unwrap();
    assert_eq!((emptied.item_count, emptied.lines.len(), emptied.totals.subtotal.amount), (0, 0, 0));
    assert_problem_kind(send(app.client.delete(&url)).await, StatusCode::NOT_FOUND, "not-found", "gone").await;
}

/// A cart holds a bounded number of lines: the 51st different variant is refused and changes
/// nothing.
#[tokio::test]
async fn a_cart_holds_at_most_fifty_lines() {
    let app = spawn_app().await;
    let in_stock: Vec<(u32, String)> = fixture()
        .products
        .iter()
        .flat_map(|p| p.stocks.iter().filter(|(_, stock)| *stock > 0).map(move |(variant, _)| (p.id, variant.clone())))
        .collect();
    assert!(in_stock.len() > 50, "the fixture has {} in-stock variants", in_stock.len());
    for (product, variant) in &in_stock[..50] {
        let response = app.add(json!({ "productId": product, "variantId": variant, "quantity": 1 })).await;
        assert_eq!(response.status(), StatusCode::OK, "{product}/{variant}");
    }
    let (product, variant) = &in_stock[50];
    let refused = app.add(json!({ "productId": product, "variantId": variant, "quantity": 1 })).await;
    assert_problem_kind(refused, StatusCode::UNPROCESSABLE_ENTITY, "quantity-limit", "51st line").await;
    let cart: Cart = app.get("/api/cart").await.json().await.unwrap();
    assert_eq!((cart.lines.len(), cart.item_count), (50, 50));
    // More of a variant already in the cart is still fine.
    let (product, variant) = &in_stock[0];
    let more = app.add(json!({ "productId": product, "variantId": variant, "quantity": 1 })).await;
    assert_eq!(more.status(), StatusCode::OK);
}

// ---------------------------------------------------------------------------------------------
// Add to cart without JavaScript (an HTML form, answered with 303)

/// A browser without JavaScript: its own cookies, and redirects left for the test to read.
fn form_visitor() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

async fn post_form(app: &common::TestApp, client: &reqwest::Client, fields: &[(&str, &str)]) -> reqwest::Response {
    send(client.post(app.url("/cart/items")).form(fields)).await
}

fn location(response: &reqwest::Response) -> &str {
    response.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default()
}

#[tokio::test]
async fn a_form_adds_to_the_cart_and_sees_the_cart_page_once() {
    let app = spawn_app().await;
    let product = &fixture().products[0];
    let (variant, _) = product.stocks.iter().find(|(_, stock)| *stock >= 2).expect("a variant in stock");
    let id = product.id.to_string();
    let client = form_visitor();
    let fields =
        [("product_id", id.as_str()), ("variant_id", variant), ("quantity", "2"), ("idempotency_key", "form-a")];
    let response = post_form(&app, &client, &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/cart");
    assert!(response.headers().contains_key(header::SET_COOKIE), "a new visitor gets a session");

    // The same form sent again (a double click, Back and submit) adds nothing more.
    let again = post_form(&app, &client, &fields).await;
    assert_eq!((again.status(), location(&again)), (StatusCode::SEE_OTHER, "/cart"));
    let cart: Cart = app.get_as(&client, "/api/cart").await.json().await.unwrap();
    assert_eq!(cart.item_count, 2, "one add of two, whatever the number of posts");

    // A new rendering of the form (a new key) adds again, to the same cart.
    let next = [("product_id", id.as_str()), ("variant_id", variant), ("quantity", "1"), ("idempotency_key", "form-b")];
    post_form(&app, &client, &next).await;
    let cart: Cart = app.get_as(&client, "/api/cart").await.json().await.unwrap();
    assert_eq!(cart.item_count, 3);
}

#[tokio::test]
async fn a_form_with_bad_input_goes_back_to_its_page_saying_why() {
    let app = spawn_app().await;
    let product = &fixture().products[0];
    // Below the quantity limit, so that one more than the stock is a stock problem.
    let (variant, stock) =
        product.stocks.iter().find(|(_, stock)| (1..98).contains(stock)).expect("a variant with a little stock");
    let id = product.id.to_string();
    let client = form_visitor();
    let back = |problem: &str| format!("/products/{id}?variant={variant}&problem={problem}");
    let too_many = (stock + 1).to_string();
    for (quantity, problem) in
        [("two", "quantity"), ("0", "quantity"), ("100", "quantity"), (too_many.as_str(), "stock")]
    {
        let fields = [("product_id", id.as_str()), ("variant_id", variant), ("quantity", quantity)];
        let response = post_form(&app, &client, &fields).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "quantity {quantity}");
        assert_eq!(location(&response), back(problem), "quantity {quantity}");
    }
    let unknown = post_form(&app, &client, &[("product_id", "999999"), ("quantity", "1")]).await;
    assert_eq!(location(&unknown), "/products/999999?problem=unknown");
    let nothing = post_form(&app, &client, &[]).await;
    assert_eq!(location(&nothing), "/?problem=unknown");
    let cart: Cart = app.get_as(&client, "/api/cart").await.json().await.unwrap();
    assert_eq!(cart.item_count, 0, "nothing was added");
}

#[tokio::test]
async fn a_form_another_site_sends_is_refused() {
    let app = spawn_app().await;
    let response = send(
        form_visitor()
            .post(app.url("/cart/items"))
            .header(header::ORIGIN, "https://evil.example")
            .form(&[("product_id", "1"), ("quantity", "1")]),
    )
    .await;
    assert_problem(response, StatusCode::FORBIDDEN, "a cross-site form").await;
}

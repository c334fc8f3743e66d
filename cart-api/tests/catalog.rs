//! The `variant` filter of `GET /api/products` and the recommendations, against the real router
//! and a fresh database.

mod common;

use std::collections::BTreeSet;

use common::{assert_problem_kind, spawn_app};
use contracts::api::{ProductPage, Recommendations};
use reqwest::StatusCode;

fn ids(page: &ProductPage) -> BTreeSet<u32> {
    page.items.iter().map(|p| p.id).collect()
}

/// The ids of the fixture's products with a variant named `name` (any case), and the fixture's
/// own spellings of the names: the shared fixture reader keeps variant ids, not names.
fn fixture_with_variant(name: &str) -> BTreeSet<u32> {
    let raw: serde_json::Value = serde_json::from_str(include_str!("../fixtures/catalog.json")).unwrap();
    raw["products"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| {
            p["variants"].as_array().unwrap().iter().any(|v| v["name"].as_str().unwrap().eq_ignore_ascii_case(name))
        })
        .map(|p| p["id"].as_u64().unwrap() as u32)
        .collect()
}

#[tokio::test]
async fn the_variant_filter_matches_variant_names_in_any_case() {
    let app = spawn_app().await;
    for (spelling, name) in [("red", "Red"), ("RED", "Red"), ("xl", "XL"), ("Xl", "XL"), ("%20Blue%20", "Blue")] {
        let expected = fixture_with_variant(name);
        assert!(!expected.is_empty(), "the fixture has {name} variants");
        let page = app.products(&format!("variant={spelling}&pageSize=48")).await;
        assert_eq!(ids(&page), expected, "variant={spelling}");
        assert_eq!(page.total as usize, expected.len(), "variant={spelling}");
        for product in &page.items {
            assert!(product.variants.iter().any(|v| v.name == name), "{} has a {name} variant", product.name);
        }
    }
}

#[tokio::test]
async fn the_variant_filter_combines_with_the_others_and_pages() {
    let app = spawn_app().await;
    // Workwear in XL: seven products, all in stock.
    let workwear_xl = app.products("category=workwear&variant=xl&pageSize=48").await;
    assert_eq!(workwear_xl.total, 7);
    assert!(workwear_xl.items.iter().all(|p| p.category == "workwear"));

    // Red toys by price, two to a page: the pages add up to the whole set, in order.
    let all = app.products("category=toys&variant=red&sort=price-asc&pageSize=48").await;
    let mut paged = Vec::new();
    for page in 1..=all.total.div_ceil(2) {
        let part = app.products(&format!("category=toys&variant=red&sort=price-asc&pageSize=2&page={page}")).await;
        assert_eq!(part.total, all.total);
        paged.extend(part.items.into_iter().map(|p| p.id));
    }
    assert_eq!(paged, all.items.iter().map(|p| p.id).collect::<Vec<_>>());
    let prices: Vec<i64> = all.items.iter().map(|p| p.price.amount).collect();
    assert!(prices.windows(2).all(|w| w[0] <= w[1]), "{prices:?}");

    // A price ceiling narrows the blue products to the cheap ones (minor units, like the price).
    let blue_under_5000 = app.products("variant=blue&maxPrice=500000&pageSize=48").await;
    assert_eq!(ids(&blue_under_5000), BTreeSet::from([20]));
}

#[tokio::test]
async fn a_variant_nobody_has_matches_nothing() {
    let app = spawn_app().await;
    for spelling in ["purple", "re", "red%25", "red_", "x%20l"] {
        let page = app.products(&format!("variant={spelling}")).await;
        assert_eq!(page.total, 0, "variant={spelling}");
        assert!(page.items.is_empty(), "variant={spelling}");
    }
}

#[tokio::test]
async fn an_invalid_variant_filter_is_a_bad_request() {
    let app = spawn_app().await;
    let too_long = "a".repeat(41);
    for query in ["variant=", "variant=%20%20", &format!("variant={too_long}") as &str] {
        let response = app.get(&format!("/api/products?{query}")).await;
        let problem = assert_problem_kind(response, StatusCode::BAD_REQUEST, "bad-request", query).await;
        assert!(problem.detail.unwrap_or_default().contains("variant"), "{query}: the detail names the parameter");
    }
    // 40 characters is the limit, not past it.
    let page = app.products(&format!("variant={}", "a".repeat(40))).await;
    assert_eq!(page.total, 0);
}

/// `GET /api/products/{id}/recommendations`: other products, in the chosen variant's option
/// first; never the product itself.
#[tokio::test]
async fn recommendations_are_other_products_in_the_option_first() {
    let app = spawn_app().await;
    let response = app.get("/api/products/1/recommendations?variant=red").await;
    assert_eq!(response.status(), StatusCode::OK);
    let red: Recommendations = response.json().await.unwrap();
    let reds = fixture_with_variant("Red");
    assert_eq!(red.items.len(), contracts::api::RECOMMENDED);
    assert!(red.items.iter().all(|p| p.id != 1), "never the product itself");
    assert!(red.items.iter().all(|p| reds.contains(&p.id)), "all in Red: {:?}", red.items);
    assert_eq!(red.option.as_deref(), Some("Red"));

    let green: Recommendations = app.get("/api/products/1/recommendations?variant=green").await.json().await.unwrap();
    assert_eq!(green.option.as_deref(), Some("Green"));
    assert_ne!(green.items, red.items);
    let plain: Recommendations = app.get("/api/products/1/recommendations").await.json().await.unwrap();
    assert_eq!((plain.items.len(), plain.option), (contracts::api::RECOMMENDED, None));

    let missing = app.get("/api/products/9999/recommendations").await;
    assert_problem_kind(missing, StatusCode::NOT_FOUND, "not-found", "an unknown product").await;
    let unknown = app.get("/api/products/1/recommendations?colour=red").await;
    assert_eq!(unknown.status(), StatusCode::BAD_REQUEST);
}

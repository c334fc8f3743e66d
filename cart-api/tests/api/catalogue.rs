//! The catalogue: listing, search, filters, sorting and paging on the server, one product,
//! the categories, the variant filter and the recommendations.

use std::collections::{BTreeSet, HashSet};

use contracts::api::{Category, Product, ProductPage, Recommendations};
use reqwest::{header, StatusCode};

use crate::helpers::{assert_problem, assert_problem_kind, fixture, spawn_app};

fn ids(page: &ProductPage) -> Vec<u32> {
    page.items.iter().map(|p| p.id).collect()
}

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

/// The ids of the fixture's products with a variant named `name` (any case).
fn fixture_with_variant(name: &str) -> BTreeSet<u32> {
    fixture()
        .products
        .iter()
        .filter(|p| p.variants.iter().any(|v| v.name.eq_ignore_ascii_case(name)))
        .map(|p| p.id)
        .collect()
}

fn id_set(page: &ProductPage) -> BTreeSet<u32> {
    page.items.iter().map(|p| p.id).collect()
}

#[tokio::test]
async fn the_variant_filter_matches_variant_names_in_any_case() {
    let app = spawn_app().await;
    for (spelling, name) in [("red", "Red"), ("RED", "Red"), ("xl", "XL"), ("Xl", "XL"), ("%20Blue%20", "Blue")] {
        let expected = fixture_with_variant(name);
        assert!(!expected.is_empty(), "the fixture has {name} variants");
        let page = app.products(&format!("variant={spelling}&pageSize=48")).await;
        assert_eq!(id_set(&page), expected, "variant={spelling}");
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
    assert_eq!(id_set(&blue_under_5000), BTreeSet::from([20]));
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

//! The product page's server half: the product for a page URL, rendered to HTML with the same
//! views as in the browser, from the same cart API endpoint. What it read travels in the
//! fragment (a [`Shown`] in the state block), so the browser half renders the same markup at
//! once; the head carries the product's JSON-LD for search engines.

use contracts::api::{Money, Product};
use contracts::fragment::{state_block, FragmentRequest, FragmentResponse, Head};
use contracts::routes::{parse_product_path, product_api, product_path};
use contracts::server::{split_url, Api, FragmentError, Visitor};
use leptos::prelude::*;

use crate::i18n::{t, Key};
use crate::views::{ProductDetails, ProductDetailsProps, Shown};

/// The fragment for `request.url` (`/products/:id?variant=`).
pub async fn render(request: FragmentRequest, api: Api, _visitor: Visitor) -> Result<FragmentResponse, FragmentError> {
    let (path, search) = split_url(&request.url);
    let answer = match parse_product_path(&path) {
        Some(id) => match api.get_shared_json::<Product>(&product_api(id)).await {
            Ok(product) => Some(product),
            Err(FragmentError::Status { status: 404 | 400, .. }) => None,
            Err(error) => return Err(error),
        },
        None => None,
    };
    let shown = Shown { path, search, missing: answer.is_none(), product: answer, form_key: form_key() };
    let head = head(&shown, &request.origin, &request.context.locale);
    let mut html = to_html(request.context, shown.clone());
    html.push_str(&state_block(&shown));
    // Never shared: the Add to cart form carries a key of its own (`form_key`), one per page.
    Ok(FragmentResponse { version: env!("CARGO_PKG_VERSION").to_string(), html, head, shared_max_age: 0 })
}

/// A new idempotency key for one rendering of the Add to cart form: 128 bits that no other
/// page view shares (std's hasher keys are random per process and per `RandomState`).
fn form_key() -> String {
    use std::hash::BuildHasher;
    let now = std::time::SystemTime::now();
    let (a, b) = (std::hash::RandomState::new().hash_one(now), std::hash::RandomState::new().hash_one(now));
    format!("form-{a:016x}{b:016x}")
}

/// The page's markup, as the browser half renders it on its first frame.
pub fn to_html(context: contracts::context::MountContext, shown: Shown) -> String {
    let owner = Owner::new();
    owner.with(|| ProductDetails(ProductDetailsProps { context, shown }).to_html())
}

fn head(shown: &Shown, origin: &str, locale: &str) -> Head {
    let Some(product) = &shown.product else {
        return Head {
            title: Some(format!("{} · Tractor & Co.", t(locale, Key::NotFoundTitle))),
            status: Some(404),
            ..Head::default()
        };
    };
    let canonical = product_path(product.id, None);
    Head {
        title: Some(format!("{} · Tractor & Co.", product.name)),
        description: Some(product.description.chars().take(160).collect()),
        json_ld: Some(json_ld(product, origin, &canonical)),
        canonical: Some(canonical),
        status: None,
    }
}

/// The product as schema.org describes one: name, picture, price, currency and availability.
fn json_ld(product: &Product, origin: &str, path: &str) -> String {
    let in_stock = product.variants.iter().any(|v| v.stock > 0);
    serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "description": product.description,
        "sku": product.id.to_string(),
        "image": product.images.iter().map(|i| format!("{origin}{i}")).collect::<Vec<_>>(),
        "offers": {
            "@type": "Offer",
            "url": format!("{origin}{path}"),
            "price": major_units(&product.price),
            "priceCurrency": product.price.currency,
            "availability": if in_stock { "https://schema.org/InStock" } else { "https://schema.org/OutOfStock" },
        },
    })
    .to_string()
}

/// `1999` EUR as `"19.99"`: schema.org's price is a plain decimal number.
fn major_units(money: &Money) -> String {
    let exponent = money.exponent();
    let scale = 10i64.pow(exponent);
    let (whole, fraction) = (money.amount / scale, (money.amount % scale).abs());
    if exponent == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{fraction:0width$}", width = exponent as usize)
    }
}

#[cfg(test)]
mod tests {
    use contracts::api::{Money, Variant};
    use contracts::context::{IdentitySummary, MountContext, Theme};

    use super::*;

    fn context(locale: &str) -> MountContext {
        MountContext::new("shell@test", locale, Theme::Light, IdentitySummary::default())
    }

    fn tractor() -> Product {
        Product {
            id: 3,
            name: "Compact Tractor".into(),
            description: "Small & strong.".into(),
            category: "tractors".into(),
            price: Money::new(1_234_500, "EUR"),
            images: vec!["/images/products/3.svg".into()],
            variants: vec![
                Variant { id: "red".into(), name: "Red".into(), stock: 0 },
                Variant { id: "green".into(), name: "Green".into(), stock: 2 },
            ],
        }
    }

    fn shown(search: &str) -> Shown {
        Shown {
            path: "/products/3".into(),
            search: search.into(),
            product: Some(tractor()),
            missing: false,
            form_key: "form-1".into(),
        }
    }

    #[test]
    fn renders_the_product_with_the_variant_of_the_url() {
        let html = to_html(context("de-DE"), shown("?variant=green"));
        assert!(html.contains("<h1>Compact Tractor</h1>"), "{html}");
        assert!(html.contains("12.345,00"), "money is formatted for the locale: {html}");
        assert!(
            html.contains(r#"aria-pressed="true" data-variant="green""#)
                || html.contains(r#"data-variant="green" aria-pressed="true""#),
            "{html}"
        );
        assert!(html.contains("Nur noch 2"), "the green one's stock, in German: {html}");
    }

    #[test]
    fn without_javascript_the_page_is_forms() {
        let html = to_html(context("en-US"), shown("?variant=green&problem=stock"));
        assert!(html.contains(r#"<form method="post" action="/cart/items" class="pd-buy">"#), "{html}");
        for field in [
            r#"name="product_id" value="3""#,
            r#"name="variant_id" value="green""#,
            r#"name="idempotency_key" value="form-1""#,
        ] {
            assert!(html.contains(field), "{field} in {html}");
        }
        assert!(html.contains(r#"<form method="get" action="/products/3" class="pd-variants-form">"#), "{html}");
        assert!(html.contains(r#"type="submit" name="variant" value="red""#), "{html}");
        assert!(html.contains("Not added: not that many are in stock."), "the returned form's problem: {html}");
        assert_ne!(form_key(), form_key(), "every rendering has its own key");
    }

    #[test]
    fn the_head_describes_the_product_for_search_engines() {
        let head = head(&shown(""), "https://shop.example", "en-US");
        assert_eq!(head.title.as_deref(), Some("Compact Tractor · Tractor & Co."));
        assert_eq!(head.canonical.as_deref(), Some("/products/3"));
        let ld: serde_json::Value = serde_json::from_str(head.json_ld.as_deref().unwrap_or_default()).expect("JSON-LD");
        assert_eq!(ld["@type"], "Product");
        assert_eq!(ld["offers"]["price"], "12345.00");
        assert_eq!(ld["offers"]["priceCurrency"], "EUR");
        assert_eq!(ld["offers"]["availability"], "https://schema.org/InStock");
        assert_eq!(ld["image"][0], "https://shop.example/images/products/3.svg");
    }

    #[test]
    fn a_missing_product_is_a_404_page() {
        let missing = Shown { path: "/products/999".into(), missing: true, ..Default::default() };
        assert_eq!(head(&missing, "", "en-US").status, Some(404));
        assert!(to_html(context("en-US"), missing).contains(r#"data-testid="product-not-found""#));
    }
}

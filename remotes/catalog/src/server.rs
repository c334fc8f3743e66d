//! The catalog's server half: the listing for a page URL, rendered to HTML with the same views
//! as in the browser, from the same cart API endpoints. What it read travels in the fragment
//! (a [`Listing`] in the state block), so the browser half renders the same markup at once.

use contracts::api::{Category, ProductPage};
use contracts::fragment::{state_block, FragmentRequest, FragmentResponse, Head};
use contracts::routes::{CatalogQuery, CATEGORIES_API};
use contracts::server::{split_url, Api, FragmentError, Visitor};
use leptos::prelude::*;

use crate::i18n::{self, t, Key};
use crate::views::{Catalog, CatalogProps, Listing};

/// The fragment for `request.url` (`/`, `/categories/:slug`, `/search?q=…`).
pub async fn render(request: FragmentRequest, api: Api, _visitor: Visitor) -> Result<FragmentResponse, FragmentError> {
    let (path, search) = split_url(&request.url);
    let query = crate::filters::query_of(&path, &search);
    let products_path = crate::api::products_path(&query);
    let (categories, products) = tokio::join!(
        api.get_shared_json::<Vec<Category>>(CATEGORIES_API),
        api.get_shared_json::<ProductPage>(&products_path),
    );
    // Without products there is nothing worth sending: the browser half loads and says why.
    let listing = Listing { path, search, categories: categories.ok(), products: Some(products?) };
    let head = head(&listing, &query, &request.context.locale);
    let mut html = to_html(request.context, listing.clone());
    html.push_str(&state_block(&listing));
    // The same listing for everyone with the same context: the composer may reuse it as long as
    // the catalogue answers it was made from are reused (see `Api::get_shared_json`).
    let shared_max_age = contracts::server::SHARED_FOR.as_secs() as u32;
    Ok(FragmentResponse { version: env!("CARGO_PKG_VERSION").to_string(), html, head, shared_max_age })
}

/// The listing's markup, as the browser half renders it on its first frame.
pub fn to_html(context: contracts::context::MountContext, listing: Listing) -> String {
    let owner = Owner::new();
    owner.with(|| Catalog(CatalogProps { context, listing }).to_html())
}

fn head(listing: &Listing, query: &CatalogQuery, locale: &str) -> Head {
    let category = query.category.as_ref().map(|slug| {
        listing
            .categories
            .iter()
            .flatten()
            .find(|c| &c.slug == slug)
            .map(|c| c.name.clone())
            .unwrap_or_else(|| slug.clone())
    });
    let heading = match (&category, &query.q) {
        (Some(name), _) => name.clone(),
        (None, Some(text)) => i18n::results_for(locale, text),
        (None, None) => t(locale, Key::AllProducts).to_string(),
    };
    let total = listing.products.as_ref().map(|p| p.total).unwrap_or_default();
    Head {
        title: Some(format!("{heading} · Tractor & Co.")),
        description: Some(format!("{heading}: {}", i18n::result_count(locale, total))),
        canonical: Some(query.to_url()),
        json_ld: None,
        status: None,
    }
}

#[cfg(test)]
mod tests {
    use contracts::api::{Money, Product, ProductPage, Variant};
    use contracts::context::{IdentitySummary, MountContext, Theme};

    use super::*;

    fn context(locale: &str) -> MountContext {
        MountContext::new("shell@test", locale, Theme::Light, IdentitySummary::default())
    }

    fn listing() -> Listing {
        let product = Product {
            id: 7,
            name: "Tractor <Deluxe>".into(),
            description: String::new(),
            category: "tractors".into(),
            price: Money::new(1999, "EUR"),
            images: vec!["/images/products/7.svg".into()],
            variants: vec![Variant { id: "red".into(), name: "Red".into(), stock: 3 }],
        };
        Listing {
            path: "/categories/tractors".into(),
            search: String::new(),
            categories: Some(vec![Category { slug: "tractors".into(), name: "Tractors".into() }]),
            products: Some(ProductPage { items: vec![product], page: 1, page_size: 12, total: 1 }),
        }
    }

    #[test]
    fn renders_the_listing_the_browser_renders() {
        let html = to_html(context("de-DE"), listing());
        assert!(html.contains("Tractor &lt;Deluxe&gt;"), "{html}");
        assert!(html.contains(r#"href="/products/7""#), "{html}");
        assert!(html.contains("19,99"), "money is formatted for the locale: {html}");
        assert!(html.contains(r#"<h1 class="catalog-title">Tractors</h1>"#), "{html}");
    }

    #[test]
    fn the_head_names_the_category() {
        let listing = listing();
        let query = CatalogQuery::from_url(&listing.path, &listing.search);
        let head = head(&listing, &query, "en-US");
        assert_eq!(head.title.as_deref(), Some("Tractors · Tractor & Co."));
        assert_eq!(head.canonical.as_deref(), Some("/categories/tractors"));
    }
}

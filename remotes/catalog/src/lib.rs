//! The catalog remote: the product listing at `/`, `/categories/:slug` and `/search`.
//!
//! Its whole state is the URL (category, search text, sort, filters, page): it reads it with
//! `contracts::routes::CatalogQuery`, follows `platform:route-changed`, and changes it only by
//! asking the shell to navigate. Reload, Back/Forward and a shared link all show the same view.
//! Its texts follow the platform locale (`platform:locale-changed`), see `i18n`.
//!
//! Public surface: `mount(host, context)` and `unmount(host)`, called by the shell in the
//! browser, and `server::render`, which the catalog's server half (`src/main.rs`, feature
//! `server`) calls to render the same views into the page's HTML on the server.

mod api;
mod browser;
mod filters;
mod i18n;
#[cfg(feature = "server")]
pub mod server;
mod views;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen::prelude::*;

// The unit tests run in headless Chromium: `cargo test -p catalog --target wasm32-unknown-unknown`.
#[cfg(test)]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// `name@version`, the publisher of this remote's events.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) const PUBLISHER: &str = concat!("catalog@", env!("CARGO_PKG_VERSION"));

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen(start)]
fn start() {
    contracts::browser::install_panic_hook(PUBLISHER);
}

/// Renders the remote into `host` with the platform `context` the shell passes. When the
/// server rendered the slot, the listing starts from the data it embedded, and replaces the
/// server's markup with identical markup of its own.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen]
pub fn mount(host: web_sys::HtmlElement, context: JsValue) -> Result<(), JsValue> {
    use contracts::browser::navigation::{current_path, current_search};
    contracts::browser::mount::mount_with(&host, &context, |host, context| {
        let (path, search) = (current_path(), current_search());
        // The visitor may have moved on before the wasm arrived: the products the server read are
        // then for another URL, the categories are still good.
        let listing = match contracts::browser::mount::server_state::<views::Listing>(&host) {
            Some(listing) if listing.path == path && listing.search == search => listing,
            Some(listing) => views::Listing { path, search, categories: listing.categories, products: None },
            None => views::Listing { path, search, ..Default::default() },
        };
        leptos::mount::mount_to(host, move || views::Catalog(views::CatalogProps { context, listing }))
    })
}

/// Removes what `mount` rendered into `host`.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen]
pub fn unmount(host: web_sys::HtmlElement) {
    contracts::browser::mount::release(&host);
}

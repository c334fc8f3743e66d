//! The product-details remote: `/products/:id?variant=`.
//!
//! Add to cart is the article's sequence: POST the chosen variant to the cart API, then publish
//! `cart:updated` with the count the API answered, so the shell's badge follows. The remote
//! never touches the cart page or the header.
//!
//! Texts follow the platform locale (`platform:locale-changed`), see `i18n`. The only thing it
//! stores in the browser is its own "recently viewed" list of product ids, see `recent`.
//!
//! Public surface: `mount(host, context)` and `unmount(host)`, called by the shell in the
//! browser, and `server::render`, which the server half (`src/main.rs`, feature `server`) calls
//! to render the same views into the page's HTML on the server.

#[cfg(target_arch = "wasm32")]
mod api;
mod browser;
mod i18n;
#[cfg(target_arch = "wasm32")]
mod recent;
#[cfg(feature = "server")]
pub mod server;
mod views;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen::prelude::*;

// The unit tests run in headless Chromium: `cargo test -p product-details --target wasm32-unknown-unknown`.
#[cfg(test)]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// `name@version`, the publisher of this remote's events.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) const PUBLISHER: &str = concat!("product-details@", env!("CARGO_PKG_VERSION"));

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen(start)]
fn start() {
    contracts::browser::install_panic_hook(PUBLISHER);
}

/// Renders the remote into `host` with the platform `context` the shell passes. When the
/// server rendered the slot, the page starts from the product it embedded, and replaces the
/// server's markup with identical markup of its own.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen]
pub fn mount(host: web_sys::HtmlElement, context: JsValue) -> Result<(), JsValue> {
    use contracts::browser::navigation::{current_path, current_search};
    contracts::browser::mount::mount_with(&host, &context, |host, context| {
        let (path, search) = (current_path(), current_search());
        // The visitor may have moved on before the wasm arrived: then the product is another one.
        let shown = contracts::browser::mount::server_state::<views::Shown>(&host)
            .filter(|shown| shown.path == path)
            .map(|shown| views::Shown { search: search.clone(), ..shown })
            .unwrap_or(views::Shown { path, search, ..Default::default() });
        leptos::mount::mount_to(host, move || views::ProductDetails(views::ProductDetailsProps { context, shown }))
    })
}

/// Removes what `mount` rendered into `host`.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen]
pub fn unmount(host: web_sys::HtmlElement) {
    contracts::browser::mount::release(&host);
}

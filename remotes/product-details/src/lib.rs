//! The product-details remote: `/products/:id?variant=`.
//!
//! Add to cart is the article's sequence: POST the chosen variant to the cart API, then publish
//! `cart:updated` with the count the API answered, so the shell's badge follows. The remote
//! never touches the cart page or the header.
//!
//! Texts follow the platform locale (`platform:locale-changed`), see `i18n`. The only thing it
//! stores in the browser is its own "recently viewed" list of product ids, see `recent`.
//!
//! Public surface: `mount(host, context)` and `unmount(host)`, called by the shell.

mod api;
mod i18n;
mod recent;
mod views;

use wasm_bindgen::prelude::*;

// The unit tests run in headless Chromium: `cargo test -p product-details --target wasm32-unknown-unknown`.
#[cfg(test)]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// `name@version`, the publisher of this remote's events.
pub(crate) const PUBLISHER: &str = concat!("product-details@", env!("CARGO_PKG_VERSION"));

#[wasm_bindgen(start)]
fn start() {
    contracts::browser::install_panic_hook(PUBLISHER);
}

/// Renders the remote into `host` with the platform `context` the shell passes.
#[wasm_bindgen]
pub fn mount(host: web_sys::HtmlElement, context: JsValue) -> Result<(), JsValue> {
    contracts::browser::mount::mount_with(&host, &context, |host, context| {
        leptos::mount::mount_to(host, move || views::ProductDetails(views::ProductDetailsProps { context }))
    })
}

/// Removes what `mount` rendered into `host`.
#[wasm_bindgen]
pub fn unmount(host: web_sys::HtmlElement) {
    contracts::browser::mount::release(&host);
}

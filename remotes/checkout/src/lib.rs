//! The checkout remote: `/checkout` and its steps, the order confirmation and `/orders`. It works
//! only from the server-side cart, checkout session and orders; nothing about the cart or the
//! payment reaches it through the browser, and the card goes to the API alone.
//!
//! Public surface: `mount(host, context)` and `unmount(host)`, called by the shell in the
//! browser, and `server::render`, which the checkout's server half (`src/main.rs`, feature
//! `server`) calls to render the order pages on the server. The steps, which write, are the
//! browser's alone.

#[cfg(target_arch = "wasm32")]
mod api;
mod browser;
mod i18n;
mod orders;
mod pages;
mod parts;
#[cfg(feature = "server")]
pub mod server;
#[cfg(target_arch = "wasm32")]
mod steps;
mod views;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen::prelude::*;

/// `name@version`, the publisher of this remote's events.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) const PUBLISHER: &str = concat!("checkout@", env!("CARGO_PKG_VERSION"));

// The unit tests run in headless Chromium: `cargo test -p checkout --target wasm32-unknown-unknown`.
#[cfg(all(test, target_arch = "wasm32"))]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen(start)]
fn start() {
    contracts::browser::install_panic_hook(PUBLISHER);
}

/// Renders the remote into `host` with the platform `context` the shell passes. When the
/// server rendered the slot, the first page starts from what it read.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen]
pub fn mount(host: web_sys::HtmlElement, context: JsValue) -> Result<(), JsValue> {
    use contracts::browser::navigation::{current_path, current_search};
    contracts::browser::mount::mount_with(&host, &context, |host, context| {
        let (path, search) = (current_path(), current_search());
        // The visitor may have moved on before the wasm arrived: then what the server read is
        // for another page.
        let shown = contracts::browser::mount::server_state::<views::Shown>(&host)
            .filter(|shown| shown.path == path && shown.search == search)
            .unwrap_or(views::Shown { path, search, ..Default::default() });
        leptos::mount::mount_to(host, move || views::Checkout(views::CheckoutProps { context, shown }))
    })
}

/// Removes what `mount` rendered into `host`.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen]
pub fn unmount(host: web_sys::HtmlElement) {
    contracts::browser::mount::release(&host);
}

//! The checkout remote: `/checkout` and its steps, the order confirmation and `/orders`. It works
//! only from the server-side cart, checkout session and orders; nothing about the cart or the
//! payment reaches it through the browser, and the card goes to the API alone.
//!
//! Public surface: `mount(host, context)` and `unmount(host)`, called by the shell.

mod api;
mod i18n;
mod orders;
mod steps;
mod views;

use wasm_bindgen::prelude::*;

/// `name@version`, the publisher of this remote's events.
pub(crate) const PUBLISHER: &str = concat!("checkout@", env!("CARGO_PKG_VERSION"));

// The unit tests run in headless Chromium: `cargo test -p checkout --target wasm32-unknown-unknown`.
#[cfg(test)]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(start)]
fn start() {
    contracts::browser::install_panic_hook(PUBLISHER);
}

/// Renders the remote into `host` with the platform `context` the shell passes.
#[wasm_bindgen]
pub fn mount(host: web_sys::HtmlElement, context: JsValue) -> Result<(), JsValue> {
    contracts::browser::mount::mount_with(&host, &context, |host, context| {
        leptos::mount::mount_to(host, move || views::Checkout(views::CheckoutProps { context }))
    })
}

/// Removes what `mount` rendered into `host`.
#[wasm_bindgen]
pub fn unmount(host: web_sys::HtmlElement) {
    contracts::browser::mount::release(&host);
}

//! The cart summary (the article's `CartSummaryWidget`): the item count and subtotal the shell
//! shows in its header on every page. Owned by the cart team, deployed as its own small bundle
//! (plain DOM, no UI framework), so every page does not download the whole cart page.
//!
//! Its server half renders the same markup into the page's header (`server`, bin
//! `cart-summary-server`); the browser half then starts from the cart it read. Otherwise it
//! reads `GET /api/cart` when mounted. On every `cart:updated` the badge shows the count the
//! event carries (the count the API answered whoever changed the cart), and the summary reads
//! the cart again for the subtotal. It follows `platform:locale-changed`.
//!
//! Public surface: `mount(host, context)` and `unmount(host)`, called by the shell, and
//! [`server::render`] for the composer.

mod markup;
#[cfg(all(feature = "server", not(target_arch = "wasm32")))]
pub mod server;
#[cfg(target_arch = "wasm32")]
mod view;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen::prelude::*;

// The unit tests run in headless Chromium: `cargo test -p cart-summary --target wasm32-unknown-unknown`.
#[cfg(test)]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// `name@version`, for the panic log.
#[cfg(target_arch = "wasm32")]
const PUBLISHER: &str = concat!("cart-summary@", env!("CARGO_PKG_VERSION"));

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen(start)]
fn start() {
    contracts::browser::install_panic_hook(PUBLISHER);
}

/// Renders the summary into `host` with the platform `context` the shell passes.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen]
pub fn mount(host: web_sys::HtmlElement, context: JsValue) -> Result<(), JsValue> {
    contracts::browser::mount::mount_with(&host, &context, view::Summary::mount)
}

/// Removes what `mount` rendered into `host`.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen]
pub fn unmount(host: web_sys::HtmlElement) {
    contracts::browser::mount::release(&host);
}

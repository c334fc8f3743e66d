//! The cart remote: the cart page at `/cart`, always read from the cart API, which is the source
//! of truth; this remote keeps no copy of the cart between visits. (The header's count and
//! subtotal are the cart team's other, much smaller bundle: `remotes/cart-summary`.)
//!
//! Public surface: `mount(host, context)` and `unmount(host)`, called by the shell in the
//! browser, and `server::render`, which the cart's server half (`src/main.rs`, feature
//! `server`) calls to render the same views into the page's HTML on the server.

#[cfg(target_arch = "wasm32")]
mod api;
mod browser;
mod i18n;
#[cfg(feature = "server")]
pub mod server;
mod views;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen::prelude::*;

/// `name@version`, the publisher of this remote's events.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) const PUBLISHER: &str = concat!("cart@", env!("CARGO_PKG_VERSION"));

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen(start)]
fn start() {
    contracts::browser::install_panic_hook(PUBLISHER);
}

/// Renders the cart page into `host` with the platform `context` the shell passes. When the
/// server rendered the slot, the page starts from the cart it embedded.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen]
pub fn mount(host: web_sys::HtmlElement, context: JsValue) -> Result<(), JsValue> {
    contracts::browser::mount::mount_with(&host, &context, |host, context| {
        let cart = contracts::browser::mount::server_state::<contracts::api::Cart>(&host);
        leptos::mount::mount_to(host, move || views::CartPage(views::CartPageProps { context, cart }))
    })
}

/// Removes what `mount` rendered into `host`.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen]
pub fn unmount(host: web_sys::HtmlElement) {
    contracts::browser::mount::release(&host);
}

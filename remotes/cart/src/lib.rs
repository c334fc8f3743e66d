//! The cart remote: the cart page at `/cart`, always read from the cart API, which is the source
//! of truth; this remote keeps no copy of the cart between visits. (The header's count and
//! subtotal are the cart team's other, much smaller bundle: `remotes/cart-summary`.)
//!
//! Public surface: `mount(host, context)` and `unmount(host)`, called by the shell.

mod api;
mod i18n;
mod views;

use wasm_bindgen::prelude::*;

/// `name@version`, the publisher of this remote's events.
pub(crate) const PUBLISHER: &str = concat!("cart@", env!("CARGO_PKG_VERSION"));

#[wasm_bindgen(start)]
fn start() {
    contracts::browser::install_panic_hook(PUBLISHER);
}

/// Renders the cart page into `host` with the platform `context` the shell passes.
#[wasm_bindgen]
pub fn mount(host: web_sys::HtmlElement, context: JsValue) -> Result<(), JsValue> {
    contracts::browser::mount::mount_with(&host, &context, |host, context| {
        leptos::mount::mount_to(host, move || views::CartPage(views::CartPageProps { context }))
    })
}

/// Removes what `mount` rendered into `host`.
#[wasm_bindgen]
pub fn unmount(host: web_sys::HtmlElement) {
    contracts::browser::mount::release(&host);
}

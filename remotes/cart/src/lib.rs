//! The cart remote: the cart page at `/cart` and the cart summary fragment for the shell's
//! header, both always read from the cart API, which is the source of truth; this remote keeps
//! no copy of the cart between visits.
//!
//! Public surface: `mount(host, context)` / `unmount(host)` for the page and
//! `mount_summary(host, context)` / `unmount_summary(host)` for the fragment, called by the shell.

mod api;
mod i18n;
mod summary;
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

/// Renders the cart summary (count and subtotal) into `host`, e.g. in the shell's header.
#[wasm_bindgen]
pub fn mount_summary(host: web_sys::HtmlElement, context: JsValue) -> Result<(), JsValue> {
    contracts::browser::mount::mount_with(&host, &context, |host, context| {
        leptos::mount::mount_to(host, move || summary::CartSummary(summary::CartSummaryProps { context }))
    })
}

/// Removes what `mount_summary` rendered into `host`.
#[wasm_bindgen]
pub fn unmount_summary(host: web_sys::HtmlElement) {
    contracts::browser::mount::release(&host);
}

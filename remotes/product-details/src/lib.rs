//! The product-details remote: `/products/:id?variant=`.
//!
//! Add to cart is the article's sequence: POST the chosen variant to the cart API, then publish
//! `cart:updated` with the count the API answered, so the shell's badge follows. The remote
//! never touches the cart page or the header.
//!
//! Public surface: `mount(host, context)` and `unmount(host)`, called by the shell.

mod api;
mod views;

use wasm_bindgen::prelude::*;

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

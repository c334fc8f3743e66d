//! The catalog remote: the product listing at `/`, `/categories/:slug` and `/search`.
//!
//! Its whole state is the URL (category, search text, sort, filters, page): it reads it with
//! `contracts::routes::CatalogQuery`, follows `platform:route-changed`, and changes it only by
//! asking the shell to navigate. Reload, Back/Forward and a shared link all show the same view.
//! Its texts follow the platform locale (`platform:locale-changed`), see `i18n`.
//!
//! Public surface: `mount(host, context)` and `unmount(host)`, called by the shell.

mod api;
mod filters;
mod i18n;
mod views;

use wasm_bindgen::prelude::*;

// The unit tests run in headless Chromium: `cargo test -p catalog --target wasm32-unknown-unknown`.
#[cfg(test)]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// `name@version`, the publisher of this remote's events.
pub(crate) const PUBLISHER: &str = concat!("catalog@", env!("CARGO_PKG_VERSION"));

#[wasm_bindgen(start)]
fn start() {
    contracts::browser::install_panic_hook(PUBLISHER);
}

/// Renders the remote into `host` with the platform `context` the shell passes.
#[wasm_bindgen]
pub fn mount(host: web_sys::HtmlElement, context: JsValue) -> Result<(), JsValue> {
    contracts::browser::mount::mount_with(&host, &context, |host, context| {
        leptos::mount::mount_to(host, move || views::Catalog(views::CatalogProps { context }))
    })
}

/// Removes what `mount` rendered into `host`.
#[wasm_bindgen]
pub fn unmount(host: web_sys::HtmlElement) {
    contracts::browser::mount::release(&host);
}

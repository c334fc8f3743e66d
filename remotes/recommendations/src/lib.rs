//! The recommendations fragment (the article's Recommendations consumer, the Tractor Store's
//! parent-to-child pattern): three or four other products for the one on the page. Owned by the
//! catalog team, placed by product details under its product as
//! `<div data-fragment="recommendations" data-inputs="1" data-product="1" data-variant="red">`
//! (the contract of those inputs is `contracts::inputs::RecommendationsInputs`), and mounted
//! there by the shell. When product details changes the variant it changes the attribute; the
//! fragment watches its host and follows, with no event and nothing shared. Which products to
//! show is the cart API's answer (`GET /api/products/{id}/recommendations`): the server knows the
//! catalogue.
//!
//! Its own remote rather than a part of the catalog remote: a product page then loads this small
//! bundle, not the whole catalog, and the catalog team can release it alone.
//!
//! Public surface: `mount(host, context)` and `unmount(host)`, called by the shell.

#[cfg(target_arch = "wasm32")]
mod api;
#[cfg(target_arch = "wasm32")]
mod views;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen::prelude::*;

// The unit tests run in headless Chromium: `cargo test -p recommendations --target wasm32-unknown-unknown`.
#[cfg(test)]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// `name@version`, the publisher of this fragment's events.
#[cfg(target_arch = "wasm32")]
pub(crate) const PUBLISHER: &str = concat!("recommendations@", env!("CARGO_PKG_VERSION"));

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen(start)]
fn start() {
    contracts::browser::install_panic_hook(PUBLISHER);
}

/// Renders the recommendations into `host`, the element product details placed, reading its
/// inputs from the host's attributes and following their changes.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen]
pub fn mount(host: web_sys::HtmlElement, context: JsValue) -> Result<(), JsValue> {
    contracts::browser::mount::mount_with(&host, &context, |host, context| {
        let (inputs, watch) = views::watch_inputs(&host);
        let view = leptos::mount::mount_to(host, move || {
            views::Recommendations(views::RecommendationsProps { inputs, locale: context.locale })
        });
        (view, watch)
    })
}

/// Removes what `mount` rendered into `host`.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen]
pub fn unmount(host: web_sys::HtmlElement) {
    contracts::browser::mount::release(&host);
}

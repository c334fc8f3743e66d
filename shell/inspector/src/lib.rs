//! The event inspector: every cross-app event of this page, who published it, who handled or
//! rejected it, and the sequence of the last user action, plus the boundary overlay. It only
//! listens: it never changes what the remotes do.
//!
//! The shell team's own bundle, loaded at run time like a remote when a visitor asks for it
//! (`?debug=events`, Alt+Shift+E, or a guided tour: `?tour=add-to-cart`, `?tour=search`). Until
//! then the shell keeps the page's events raw, without decoding them, and hands them over in
//! `mount`.
//!
//! Public surface: `mount(host, context, backlog)`, `record(entry)` and `unmount(host)`, called
//! by the shell.

mod diagram;
mod file;
mod log;
mod sequence;
mod tour;
mod view;

use wasm_bindgen::prelude::*;

#[cfg(test)]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// Renders the inspector into `host`. `backlog` holds what the page published before: objects
/// `{ type, detail, time, route }` in the order they happened.
#[wasm_bindgen]
pub fn mount(host: web_sys::HtmlElement, context: JsValue, backlog: js_sys::Array) -> Result<(), JsValue> {
    contracts::browser::mount::mount_with(&host, &context, |host, context| {
        let log = log::EventLog::start(&backlog);
        let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
        let tour = tour::Tour::from_query(&search);
        leptos::mount::mount_to(host, move || view::Inspector(view::InspectorProps { log, shell: context.shell, tour }))
    })
}

/// Adds one event `{ type, detail, time, route }` the shell recorded after `mount`.
#[wasm_bindgen]
pub fn record(entry: JsValue) {
    log::record(&entry);
}

/// Removes what `mount` rendered into `host`.
#[wasm_bindgen]
pub fn unmount(host: web_sys::HtmlElement) {
    contracts::browser::mount::release(&host);
}

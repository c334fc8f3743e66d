//! What a remote follows of the shell: URL state (reading the current URL, asking the shell to
//! change it, following its changes) and the visitor's locale.
//!
//! A remote never calls `history.pushState` itself: the shell's router owns history, so a remote
//! publishes [`NavigationRequested`] and follows [`RouteChanged`].

use gloo_events::EventListener;

use crate::events::{Envelope, LocaleChanged, NavigationRequested, RouteChanged};

/// The current path, e.g. `/categories/tractors`.
pub fn current_path() -> String {
    web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_else(|| "/".into())
}

/// The current query string with its leading `?`, or empty.
pub fn current_search() -> String {
    web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default()
}

/// Asks the shell to navigate. `replace` keeps the history entry (e.g. choosing a variant).
pub fn navigate(publisher: &str, url: &str, replace: bool) {
    super::events::publish(
        publisher,
        &super::events::new_trace_id(),
        NavigationRequested { url: url.to_string(), replace },
    );
}

/// Calls `handler` whenever the shell's router has moved to a new URL.
pub fn on_route_change<F>(consumer: &'static str, mut handler: F) -> EventListener
where
    F: FnMut(RouteChanged) + 'static,
{
    super::events::subscribe::<RouteChanged, _>(consumer, move |e: Envelope<RouteChanged>| handler(e.payload))
}

/// Calls `handler` with the new locale tag (e.g. `de-DE`) whenever the visitor changes it: every
/// remote follows the locale this one way (its mount context has the first one).
pub fn on_locale_change<F>(consumer: &'static str, mut handler: F) -> EventListener
where
    F: FnMut(String) + 'static,
{
    super::events::subscribe::<LocaleChanged, _>(consumer, move |e: Envelope<LocaleChanged>| handler(e.payload.locale))
}

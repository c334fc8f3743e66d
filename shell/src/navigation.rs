//! The bridge between the shell's router and the remotes, which have no router of their own.
//!
//! * A remote publishes `platform:navigation-requested`; the router performs it, so there is one
//!   history and Back/Forward work across remotes.
//! * Whenever the router's URL changes (links, Back/Forward, requests) the shell publishes
//!   `platform:route-changed`, and the mounted remote re-reads the URL state it owns.

use contracts::events::{Envelope, NavigationRequested, RouteChanged};
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;

use crate::platform::SHELL;

#[component]
pub fn NavigationBridge() -> impl IntoView {
    let navigate = use_navigate();
    contracts::browser::events::subscribe::<NavigationRequested, _>(
        "shell-router",
        move |e: Envelope<NavigationRequested>| {
            navigate(&e.payload.url, NavigateOptions { replace: e.payload.replace, ..Default::default() });
        },
    )
    .forget();

    let location = use_location();
    Effect::new(move |_| {
        let path = location.pathname.get();
        let search = location.search.get();
        let search = if search.is_empty() || search.starts_with('?') { search } else { format!("?{search}") };
        contracts::browser::events::publish(
            SHELL,
            &contracts::browser::events::new_trace_id(),
            RouteChanged { path, search },
        );
    });
}

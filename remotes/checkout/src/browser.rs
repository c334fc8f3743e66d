//! What the checkout's views do to the world around them: follow the locale and the route,
//! send the visitor to sign in, read orders from the cart API, and the checkout steps, which
//! write (start a checkout, give an address, pay, place the order) and so live in the browser
//! alone (`crate::steps`).
//!
//! The same views render on the server (`crate::server`), where none of this exists: there they
//! render once from what the server half read, and a native build compiles these to nothing.

use leptos::prelude::*;

use crate::pages::Step;

/// What a view read from the API: `None` until the answer; an error is the message to show.
pub type Loaded<T> = RwSignal<Option<Result<T, String>>>;

#[cfg(target_arch = "wasm32")]
mod live {
    use contracts::api::{Order, OrderSummary};
    use contracts::browser::load;
    use contracts::browser::navigation::{navigate, on_locale_change, on_route_change};
    use contracts::routes::sign_in_path;
    use send_wrapper::SendWrapper;

    use super::*;
    use crate::steps::{Start, StepPage};
    use crate::{api, PUBLISHER};

    /// Keeps `locale` and `location` in step with the platform's events while the view lives.
    pub fn follow(locale: RwSignal<String>, location: RwSignal<(String, String)>) {
        let listeners = SendWrapper::new((
            on_locale_change("checkout", move |tag| locale.set(tag)),
            on_route_change("checkout", move |route| location.set((route.path, route.search))),
        ));
        on_cleanup(move || drop(listeners));
    }

    /// To the shell's sign-in page, and back to `here` afterwards.
    pub fn to_sign_in(here: &str) {
        navigate(PUBLISHER, &sign_in_path(here), true);
    }

    pub fn load_order(id: String, loaded: Loaded<Order>) {
        load::once(async move { api::order(&id).await }, move |answer| loaded.set(Some(answer)));
    }

    pub fn load_orders(loaded: Loaded<Vec<OrderSummary>>) {
        load::once(api::orders(), move |answer| loaded.set(Some(answer)));
    }

    /// `/checkout`: starts a checkout on the server, then shows its first step.
    pub fn start() -> AnyView {
        view! { <Start /> }.into_any()
    }

    pub fn step(step: Step, session: String) -> AnyView {
        view! { <StepPage step session /> }.into_any()
    }
}

#[cfg(target_arch = "wasm32")]
pub use live::*;

#[cfg(not(target_arch = "wasm32"))]
mod inert {
    use contracts::api::{Order, OrderSummary};

    use super::*;
    use crate::i18n::Text;
    use crate::parts::text;

    pub fn follow(_locale: RwSignal<String>, _location: RwSignal<(String, String)>) {}
    pub fn to_sign_in(_here: &str) {}
    pub fn load_order(_id: String, _loaded: Loaded<Order>) {}
    pub fn load_orders(_loaded: Loaded<Vec<OrderSummary>>) {}

    /// The steps write to the API, so their pages are the browser's (the server half declines
    /// them); what a native build renders for them is only the loading line.
    pub fn start() -> AnyView {
        view! { <p class="checkout-status" aria-busy="true">{text(Text::Loading)}</p> }.into_any()
    }

    pub fn step(_step: Step, _session: String) -> AnyView {
        start()
    }
}

#[cfg(not(target_arch = "wasm32"))]
pub use inert::*;

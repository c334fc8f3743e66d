//! What the views do to the page around them: follow the URL and the locale, load from the cart
//! API, remember what was viewed, add to the cart, navigate and publish events.
//!
//! The same views render on the server (`crate::server`), where none of this exists: there they
//! render once from what the server half read and no handler is ever called, so a native build
//! compiles these to nothing.

use contracts::api::{AddCartItem, Product};
use leptos::prelude::*;

/// What the API answered for the product on screen.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Found(Product),
    /// The product does not exist (or the path names none).
    Missing,
    /// The API could not be asked or failed: the message to show. Only the browser half says so;
    /// a server half that fails leaves its slot to the browser instead.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    Failed(String),
}

/// The page's data as the views read it.
#[derive(Clone, Copy)]
pub struct Data {
    /// `None` until the first answer.
    pub product: RwSignal<Option<Answer>>,
    /// The other products this browser viewed before (browser only).
    pub recent: RwSignal<Vec<Product>>,
    /// Bumped by "Try again".
    pub reload: RwSignal<u32>,
}

/// Add to cart's progress, as the button and the error line show it.
#[derive(Clone, Copy)]
pub struct Adding {
    pub busy: RwSignal<bool>,
    pub error: RwSignal<Option<String>>,
}

#[cfg(target_arch = "wasm32")]
mod live {
    use std::cell::Cell;

    use contracts::browser::events::{new_trace_id, publish};
    use contracts::browser::load::Newest;
    use contracts::browser::navigation::{navigate as shell_navigate, on_locale_change, on_route_change};
    use contracts::events::{CartItemAdded, CartUpdated, NotificationLevel, NotificationRequested};
    use contracts::problems::ProblemKind;
    use leptos::task::spawn_local;
    use send_wrapper::SendWrapper;

    use super::*;
    use crate::i18n::Lang;
    use crate::{api, recent, PUBLISHER};

    /// Keeps `url` and `locale` in step with the platform's route and locale events for as long
    /// as the calling component lives.
    pub fn follow(url: RwSignal<(String, String)>, locale: RwSignal<String>) {
        let listeners = SendWrapper::new((
            on_route_change("product-details", move |route| url.set((route.path, route.search))),
            on_locale_change("product-details", move |tag| locale.set(Lang::of(&tag).tag().to_string())),
        ));
        on_cleanup(move || drop(listeners));
    }

    /// Loads the product whenever the path names another one (or "Try again" asks), except the
    /// one the server already sent (`loaded`); keeps "recently viewed" up to date.
    pub fn load(id: Memo<Option<u32>>, data: Data, loaded: Option<Option<u32>>) {
        let loaded = SendWrapper::new(Cell::new(loaded));
        let newest = Newest::new();
        Effect::new(move |_| {
            let id = id.get();
            data.reload.track();
            if Cell::take(&loaded) == Some(id) {
                return;
            }
            let request = async move {
                match id {
                    None => Answer::Missing,
                    Some(id) => match api::product(id).await {
                        Ok(product) => Answer::Found(product),
                        Err(e) if e.is(ProblemKind::NotFound) || e.is(ProblemKind::BadRequest) => Answer::Missing,
                        Err(error) => Answer::Failed(error.to_string()),
                    },
                }
            };
            newest.run(request, move |answer| data.product.set(Some(answer)));
        });
        // Only a product the API has shown joins the list; one it no longer knows leaves it.
        Effect::new(move |_| match data.product.get() {
            Some(Answer::Found(p)) => recent::record(p.id),
            Some(Answer::Missing) => {
                if let Some(id) = id.get_untracked() {
                    recent::forget(id)
                }
            }
            _ => {}
        });
        Effect::new(move |_| {
            let current = id.get();
            spawn_local(async move {
                let mut found = Vec::new();
                // One at a time: at most six small reads, and the strip is below the fold.
                for other in recent::others(&recent::load(), current) {
                    match api::product(other).await {
                        Ok(p) => found.push(p),
                        Err(e) if e.is(ProblemKind::NotFound) => recent::forget(other),
                        Err(_) => {}
                    }
                }
                data.recent.set(found);
            });
        });
    }

    /// The article's sequence: POST the item, then tell the page what the API answered.
    pub fn add_to_cart(item: AddCartItem, message: String, adding: Adding) {
        adding.busy.set(true);
        adding.error.set(None);
        spawn_local(async move {
            // One trace id links the POST, the event and the toast in logs and the inspector.
            let trace_id = new_trace_id();
            match api::add_to_cart(&item, &trace_id).await {
                Ok(cart) => {
                    publish(PUBLISHER, &trace_id, CartUpdated { cart_id: cart.cart_id, item_count: cart.item_count });
                    publish(
                        PUBLISHER,
                        &trace_id,
                        CartItemAdded {
                            product_id: item.product_id,
                            variant_id: item.variant_id,
                            quantity: item.quantity,
                        },
                    );
                    publish(PUBLISHER, &trace_id, NotificationRequested { level: NotificationLevel::Success, message });
                }
                Err(e) => adding.error.set(Some(e.to_string())),
            }
            adding.busy.set(false);
        });
    }

    /// Asks the shell to show `url`; `replace` keeps the history entry.
    pub fn navigate(url: &str, replace: bool) {
        shell_navigate(PUBLISHER, url, replace);
    }

    pub fn mark(name: &str) {
        contracts::browser::mark(name);
    }

    /// Makes a number field show `value` (the signal may already hold it while the field shows
    /// what was typed).
    pub fn show_value(ev: &leptos::ev::Event, value: &str) {
        leptos::prelude::event_target::<web_sys::HtmlInputElement>(ev).set_value(value);
    }
}

#[cfg(target_arch = "wasm32")]
pub use live::*;

#[cfg(not(target_arch = "wasm32"))]
mod inert {
    use super::*;

    pub fn follow(_url: RwSignal<(String, String)>, _locale: RwSignal<String>) {}
    pub fn load(_id: Memo<Option<u32>>, _data: Data, _loaded: Option<Option<u32>>) {}
    pub fn add_to_cart(_item: AddCartItem, _message: String, _adding: Adding) {}
    pub fn navigate(_url: &str, _replace: bool) {}
    pub fn mark(_name: &str) {}
    pub fn show_value(_ev: &leptos::ev::Event, _value: &str) {}
}

#[cfg(not(target_arch = "wasm32"))]
pub use inert::*;

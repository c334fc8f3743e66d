//! What the cart page does to the world around it: follow the locale, read and change the cart
//! through the cart API, and publish what changed.
//!
//! The same views render on the server (`crate::server`), where none of this exists: there they
//! render once from the cart the server half read, no handler is ever called, and so a native
//! build compiles these to nothing.

use contracts::api::Cart;
use contracts::context::MountContext;
use leptos::prelude::*;

/// The cart as the page shows it: `None` until the first answer; an error is the message to show.
pub type Shown = RwSignal<Option<Result<Cart, String>>>;

/// What to do with a line (only the browser ever does it).
#[derive(Clone, Copy)]
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub enum Change {
    Quantity(u32),
    Remove,
}

#[cfg(target_arch = "wasm32")]
mod live {
    use contracts::browser::events::{new_trace_id, publish};
    use contracts::browser::load;
    use contracts::browser::navigation::on_locale_change;
    use contracts::events::{CartUpdated, NotificationLevel, NotificationRequested};
    use leptos::task::spawn_local;
    use send_wrapper::SendWrapper;

    use super::*;
    use crate::i18n::{t, Text};
    use crate::{api, PUBLISHER};

    /// The locale of the mount context, following `platform:locale-changed` while mounted.
    pub fn locale_signal(context: &MountContext) -> RwSignal<String> {
        let locale = RwSignal::new(context.locale.clone());
        let listener = on_locale_change("cart", move |tag| locale.set(tag));
        // Dropped with the view's owner, so an unmounted view stops listening.
        let listener = SendWrapper::new(listener);
        on_cleanup(move || drop(listener));
        locale
    }

    /// Reads the cart from the API into `cart`.
    pub fn load(cart: Shown) {
        load::once(api::cart(), move |answer| cart.set(Some(answer)));
    }

    /// Sends `change` of `line_id` to the API; the page then shows the cart the API answered and
    /// the other remotes hear its count in `cart:updated`.
    pub fn change(cart: Shown, busy: RwSignal<bool>, locale: RwSignal<String>, line_id: String, change: Change) {
        busy.set(true);
        spawn_local(async move {
            let trace_id = new_trace_id();
            let answer = match change {
                Change::Quantity(q) => api::set_quantity(&line_id, q, &trace_id).await,
                Change::Remove => api::remove(&line_id, &trace_id).await,
            };
            match answer {
                Ok(updated) => {
                    publish(
                        PUBLISHER,
                        &trace_id,
                        CartUpdated { cart_id: updated.cart_id.clone(), item_count: updated.item_count },
                    );
                    cart.set(Some(Ok(updated)));
                }
                Err(e) => publish(
                    PUBLISHER,
                    &trace_id,
                    NotificationRequested {
                        level: NotificationLevel::Error,
                        message: format!("{} {e}", t(&locale.get_untracked(), Text::NotChanged)),
                    },
                ),
            }
            busy.set(false);
        });
    }
}

#[cfg(target_arch = "wasm32")]
pub use live::*;

#[cfg(not(target_arch = "wasm32"))]
mod inert {
    use super::*;

    pub fn locale_signal(context: &MountContext) -> RwSignal<String> {
        RwSignal::new(context.locale.clone())
    }
    pub fn load(_cart: Shown) {}
    pub fn change(_cart: Shown, _busy: RwSignal<bool>, _locale: RwSignal<String>, _line_id: String, _change: Change) {}
}

#[cfg(not(target_arch = "wasm32"))]
pub use inert::*;

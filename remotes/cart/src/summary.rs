//! The cart summary fragment (the article's `CartSummaryWidget`): item count and subtotal, which
//! the shell mounts in its header. It reads the cart API, and again on every `cart:updated`:
//! the event says *that* the cart changed, the API says what it now holds.

use contracts::api::Cart;
use contracts::browser::events::subscribe;
use contracts::browser::format_money;
use contracts::context::MountContext;
use contracts::events::{CartUpdated, Envelope};
use contracts::routes::CART_PATH;
use leptos::prelude::*;
use leptos::task::spawn_local;
use send_wrapper::SendWrapper;

use crate::api;
use crate::i18n::{t, Text};
use crate::views::locale_signal;

#[component]
pub fn CartSummary(context: MountContext) -> impl IntoView {
    let locale = locale_signal(&context, "cart-summary");
    let cart = RwSignal::new(None::<Cart>);
    // Answers can overtake each other; only the newest request's answer is shown.
    let latest = StoredValue::new(0u64);
    let refresh = move || {
        let request = latest.get_value() + 1;
        latest.set_value(request);
        spawn_local(async move {
            match api::cart().await {
                Ok(answer) if latest.get_value() == request => cart.set(Some(answer)),
                Ok(_) => {}
                Err(e) => web_sys::console::warn_1(&format!("[cart-summary] {e}").into()),
            }
        });
    };
    refresh();
    let listener = subscribe::<CartUpdated, _>("cart-summary", move |_: Envelope<CartUpdated>| refresh());
    let listener = SendWrapper::new(listener);
    on_cleanup(move || drop(listener));

    let count = move || cart.with(|c| c.as_ref().map_or(0, |c| c.item_count));
    let label = move || format!("{}, {} {}", t(&locale.get(), Text::Cart), count(), t(&locale.get(), Text::Items));
    view! {
        <a class="cart-summary" href=CART_PATH aria-label=label data-testid="cart-summary">
            <span class="cart-summary-label" aria-hidden="true">{move || t(&locale.get(), Text::Cart)}</span>
            <span class="cart-summary-badge" data-testid="cart-badge" aria-hidden="true">{count}</span>
            <span class="cart-summary-subtotal" aria-hidden="true" data-testid="cart-summary-subtotal">
                {move || cart.with(|c| c.as_ref().filter(|c| c.item_count > 0).map(|c| format_money(&c.totals.subtotal, &locale.get())))}
            </span>
        </a>
    }
}

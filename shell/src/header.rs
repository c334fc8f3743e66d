//! The header: brand, navigation and the cart badge.
//!
//! The badge shows what the cart API last said, never what browser storage says: on load the
//! shell asks the API, afterwards it follows `cart:updated` events.

use contracts::api::Cart;
use contracts::events::{CartUpdated, Envelope};
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn Header() -> impl IntoView {
    let count = RwSignal::new(None::<u32>);
    // An event that arrives while the first fetch is in flight is newer than its answer.
    let event_seen = RwSignal::new(false);

    contracts::browser::events::subscribe::<CartUpdated, _>("shell-header", move |e: Envelope<CartUpdated>| {
        event_seen.set(true);
        count.set(Some(e.payload.item_count));
    })
    .forget();

    spawn_local(async move {
        match contracts::browser::http::get_json::<Cart>("/api/cart").await {
            Ok(cart) if !event_seen.get_untracked() => count.set(Some(cart.item_count)),
            Ok(_) => {}
            Err(e) => web_sys::console::warn_1(&format!("[shell-header] cart count: {e}").into()),
        }
    });

    let label = move || match count.get() {
        Some(1) => "Cart, 1 item".to_string(),
        Some(n) => format!("Cart, {n} items"),
        None => "Cart".to_string(),
    };

    view! {
        <header class="shell-header" data-testid="shell-header">
            <a class="brand" href="/">
                <img src="/images/favicon.svg" alt="" width="28" height="28" />
                <span>"Tractor & Co."</span>
            </a>
            <nav class="shell-nav" aria-label="Main">
                <a href="/">"Shop"</a>
                <a href="/categories/tractors">"Tractors"</a>
                <a href="/categories/workwear">"Workwear"</a>
                <a href="/checkout">"Checkout"</a>
            </nav>
            <a class="cart-link" href="/cart" aria-label=label>
                <span aria-hidden="true">"Cart"</span>
                <span class="cart-badge" data-testid="cart-badge" aria-hidden="true">
                    {move || count.get().unwrap_or(0)}
                </span>
            </a>
        </header>
    }
}

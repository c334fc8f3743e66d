//! The checkout: an order summary computed by the server.

use contracts::api::Cart;
use contracts::browser::format_money;
use contracts::context::MountContext;
use leptos::prelude::*;

use crate::api;

#[component]
pub fn Checkout(context: MountContext) -> impl IntoView {
    let cart = LocalResource::new(api::cart);
    let locale = StoredValue::new(context.locale);
    view! {
        <section class="checkout" data-testid="checkout-page">
            <h1>"Checkout"</h1>
            <Transition fallback=|| view! { <p>"Loading your order…"</p> }>
                {move || cart.get().map(|result| match result {
                    Ok(c) => summary(c, &locale.get_value()).into_any(),
                    Err(error) => view! {
                        <div class="checkout-error" role="alert">
                            <p>"Your order could not be loaded: " {error.to_string()}</p>
                            <button type="button" on:click=move |_| cart.refetch()>"Try again"</button>
                        </div>
                    }.into_any(),
                })}
            </Transition>
        </section>
    }
}

fn summary(cart: Cart, locale: &str) -> impl IntoView {
    if cart.lines.is_empty() {
        return view! {
            <p class="checkout-empty">"There is nothing to check out yet. " <a href="/">"Find something you like."</a></p>
        }
        .into_any();
    }
    view! {
        <h2>"Order summary"</h2>
        <ul class="checkout-lines">
            {cart.lines.into_iter().map(|l| view! {
                <li>{format!("{} × {}", l.quantity, l.name)} <span>{format_money(&l.line_total, locale)}</span></li>
            }).collect_view()}
        </ul>
        <p class="checkout-total">"Subtotal " <strong>{format_money(&cart.subtotal, locale)}</strong></p>
    }
    .into_any()
}

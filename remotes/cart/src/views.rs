//! The cart page, rendered from what the cart API answers.

use contracts::api::Cart;
use contracts::browser::format_money;
use contracts::context::MountContext;
use contracts::routes::{product_path, CHECKOUT_PATH};
use leptos::prelude::*;

use crate::api;

#[component]
pub fn CartPage(context: MountContext) -> impl IntoView {
    let cart = LocalResource::new(api::cart);
    let locale = StoredValue::new(context.locale);
    view! {
        <section class="cart" data-testid="cart-page">
            <h1>"Your cart"</h1>
            <Transition fallback=|| view! { <p class="cart-status">"Loading your cart…"</p> }>
                {move || cart.get().map(|result| match result {
                    Ok(c) => lines(c, &locale.get_value()).into_any(),
                    Err(error) => view! {
                        <div class="cart-error" role="alert">
                            <p>"Your cart could not be loaded: " {error.to_string()}</p>
                            <button type="button" on:click=move |_| cart.refetch()>"Try again"</button>
                        </div>
                    }.into_any(),
                })}
            </Transition>
        </section>
    }
}

fn lines(cart: Cart, locale: &str) -> impl IntoView {
    if cart.lines.is_empty() {
        return view! {
            <div class="cart-empty" data-testid="cart-empty">
                <p>"Your cart is empty."</p>
                <a href="/">"Start shopping"</a>
            </div>
        }
        .into_any();
    }
    let subtotal = format_money(&cart.subtotal, locale);
    view! {
        <ul class="cart-lines">
            {cart.lines.into_iter().map(|line| view! {
                <li class="cart-line" data-testid="cart-line">
                    <img src=format!("/images/products/{}.svg", line.product_id) alt="" width="96" height="83" />
                    <a class="cart-line-name" href=product_path(line.product_id, line.variant_id.as_deref())>{line.name}</a>
                    <span class="cart-line-quantity">{format!("× {}", line.quantity)}</span>
                    <span class="cart-line-unit">{format_money(&line.unit_price, locale)}" each"</span>
                    <span class="cart-line-total">{format_money(&line.line_total, locale)}</span>
                </li>
            }).collect_view()}
        </ul>
        <p class="cart-subtotal">"Subtotal " <strong data-testid="cart-subtotal">{subtotal}</strong></p>
        <a class="cart-checkout" href=CHECKOUT_PATH>"Go to checkout"</a>
    }
    .into_any()
}

//! The cart page, rendered from what the cart API answers. Every change goes to the API first;
//! the page shows the cart the API answered and publishes `cart:updated` with its count.

use contracts::api::{Cart, CartLine};
use contracts::browser::events::{new_trace_id, publish};
use contracts::browser::format_money;
use contracts::browser::http::HttpError;
use contracts::context::MountContext;
use contracts::events::{CartUpdated, NotificationLevel, NotificationRequested};
use contracts::routes::{product_path, CHECKOUT_PATH};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::{api, PUBLISHER};

/// What to do with a line.
#[derive(Clone, Copy)]
enum Change {
    Quantity(u32),
    Remove,
}

#[component]
pub fn CartPage(context: MountContext) -> impl IntoView {
    let cart = RwSignal::new(None::<Result<Cart, HttpError>>);
    let busy = RwSignal::new(false);
    let locale = StoredValue::new(context.locale);
    let load = move || spawn_local(async move { cart.set(Some(api::cart().await)) });
    load();

    let change = move |line_id: String, change: Change| {
        busy.set(true);
        spawn_local(async move {
            let trace_id = new_trace_id();
            let answer = match change {
                Change::Quantity(q) => api::set_quantity(&line_id, q, &trace_id).await,
                Change::Remove => api::remove(&line_id, &trace_id).await,
            };
            match answer {
                Ok(updated) => {
                    publish(PUBLISHER, &trace_id, CartUpdated { cart_id: updated.cart_id.clone(), item_count: updated.item_count });
                    cart.set(Some(Ok(updated)));
                }
                Err(e) => publish(
                    PUBLISHER,
                    &trace_id,
                    NotificationRequested { level: NotificationLevel::Error, message: format!("Your cart was not changed: {e}") },
                ),
            }
            busy.set(false);
        });
    };

    view! {
        <section class="cart" data-testid="cart-page" aria-busy=move || busy.get().to_string()>
            <h1>"Your cart"</h1>
            {move || match cart.get() {
                None => view! { <p class="cart-status">"Loading your cart…"</p> }.into_any(),
                Some(Ok(c)) => lines(c, locale.get_value(), busy, change).into_any(),
                Some(Err(error)) => view! {
                    <div class="cart-error" role="alert">
                        <p>"Your cart could not be loaded: " {error.to_string()}</p>
                        <button type="button" on:click=move |_| load()>"Try again"</button>
                    </div>
                }.into_any(),
            }}
        </section>
    }
}

fn lines(
    cart: Cart,
    locale: String,
    busy: RwSignal<bool>,
    change: impl Fn(String, Change) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    if cart.lines.is_empty() {
        return view! {
            <div class="cart-empty" data-testid="cart-empty">
                <p>"Your cart is empty."</p>
                <a href="/">"Start shopping"</a>
            </div>
        }
        .into_any();
    }
    let subtotal = format_money(&cart.subtotal, &locale);
    view! {
        <ul class="cart-lines">
            {cart.lines.into_iter().map(|line| line_view(line, &locale, busy, change)).collect_view()}
        </ul>
        <p class="cart-subtotal">"Subtotal " <strong data-testid="cart-subtotal">{subtotal}</strong></p>
        <p class="cart-note">"Shipping and tax are added at checkout."</p>
        <a class="cart-checkout" href=CHECKOUT_PATH>"Go to checkout"</a>
    }
    .into_any()
}

fn line_view(
    line: CartLine,
    locale: &str,
    busy: RwSignal<bool>,
    change: impl Fn(String, Change) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let quantity = line.quantity;
    let (dec, inc, remove) = (line.line_id.clone(), line.line_id.clone(), line.line_id.clone());
    let name = line.name.clone();
    view! {
        <li class="cart-line" data-testid="cart-line">
            <img src=format!("/images/products/{}.svg", line.product_id) alt="" width="96" height="83" />
            <a class="cart-line-name" href=product_path(line.product_id, line.variant_id.as_deref())>{line.name}</a>
            <span class="cart-line-stepper" role="group" aria-label=format!("Quantity of {name}")>
                <button type="button" aria-label="One less" data-testid="quantity-decrease"
                    disabled=move || busy.get() || (quantity <= 1)
                    on:click=move |_| change(dec.clone(), Change::Quantity(quantity - 1))>"−"</button>
                <span class="cart-line-quantity" data-testid="line-quantity">{quantity}</span>
                <button type="button" aria-label="One more" data-testid="quantity-increase"
                    disabled=move || busy.get() || (quantity >= 99)
                    on:click=move |_| change(inc.clone(), Change::Quantity(quantity + 1))>"+"</button>
            </span>
            <span class="cart-line-unit">{format_money(&line.unit_price, locale)}" each"</span>
            <span class="cart-line-total">{format_money(&line.line_total, locale)}</span>
            <button type="button" class="cart-line-remove" data-testid="remove-line"
                disabled=move || busy.get()
                on:click=move |_| change(remove.clone(), Change::Remove)>"Remove"</button>
        </li>
    }
}

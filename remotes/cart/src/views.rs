//! The cart page, rendered from what the cart API answers. Every change goes to the API first;
//! the page shows the cart the API answered and publishes `cart:updated` with its count
//! (`crate::browser`). The server half renders the same views from the cart it read.

use contracts::api::{Cart, CartLine};
use contracts::context::MountContext;
use contracts::format::money as format_money;
use contracts::routes::{product_path, CHECKOUT_PATH};
use leptos::prelude::*;

use crate::browser::{self, Change};
use crate::i18n::{t, Text};

/// The cart page. `cart` is what the server already read, if it rendered the page: the page
/// starts from it instead of asking the API again.
#[component]
pub fn CartPage(context: MountContext, cart: Option<Cart>) -> impl IntoView {
    let known = cart.is_some();
    let cart: browser::Shown = RwSignal::new(cart.map(Ok));
    let busy = RwSignal::new(false);
    let locale = browser::locale_signal(&context);
    let load = move || browser::load(cart);
    if !known {
        load();
    }

    let change = move |line_id: String, what: Change| browser::change(cart, busy, locale, line_id, what);

    let text = move |key| t(&locale.get(), key);
    view! {
        <section class="cart" data-testid="cart-page" aria-busy=move || busy.get().to_string()>
            <h1>{move || text(Text::Title)}</h1>
            {move || match cart.get() {
                None => view! { <p class="cart-status">{text(Text::Loading)}</p> }.into_any(),
                Some(Ok(c)) => lines(c, locale.get(), busy, change).into_any(),
                Some(Err(error)) => view! {
                    <div class="cart-error" role="alert" data-testid="cart-error">
                        <p>{text(Text::LoadFailed)} " " {error}</p>
                        <button type="button" on:click=move |_| load()>{text(Text::TryAgain)}</button>
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
    let text = |key| t(&locale, key);
    if cart.lines.is_empty() {
        return view! {
            <div class="cart-empty" data-testid="cart-empty">
                <p>{text(Text::Empty)}</p>
                <a href="/">{text(Text::StartShopping)}</a>
            </div>
        }
        .into_any();
    }
    let money = |m| format_money(m, &locale);
    let shipping = if cart.totals.shipping.amount == 0 {
        text(Text::FreeShipping).to_string()
    } else {
        money(&cart.totals.shipping)
    };
    view! {
        <ul class="cart-lines">
            {cart.lines.into_iter().map(|line| line_view(line, &locale, busy, change)).collect_view()}
        </ul>
        <dl class="cart-totals">
            <dt>{text(Text::Subtotal)}</dt><dd data-testid="cart-subtotal">{money(&cart.totals.subtotal)}</dd>
            <dt>{text(Text::Shipping)}</dt><dd data-testid="cart-shipping">{shipping}</dd>
            <dt>{text(Text::Tax)}</dt><dd data-testid="cart-tax">{money(&cart.totals.tax)}</dd>
            <dt class="cart-total">{text(Text::Total)}</dt><dd class="cart-total" data-testid="cart-total">{money(&cart.totals.total)}</dd>
        </dl>
        <a class="cart-checkout" href=CHECKOUT_PATH data-testid="go-to-checkout">{text(Text::GoToCheckout)}</a>
    }
    .into_any()
}

fn line_view(
    line: CartLine,
    locale: &str,
    busy: RwSignal<bool>,
    change: impl Fn(String, Change) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let text = |key| t(locale, key);
    let quantity = line.quantity;
    let (dec, inc, remove) = (line.line_id.clone(), line.line_id.clone(), line.line_id.clone());
    let (less, more) =
        (format!("{}: {}", text(Text::OneLess), line.name), format!("{}: {}", text(Text::OneMore), line.name));
    view! {
        <li class="cart-line" data-testid="cart-line">
            <img src=line.image alt="" width="96" height="83" />
            <a class="cart-line-name" href=product_path(line.product_id, line.variant_id.as_deref())>{line.name}</a>
            <span class="cart-line-stepper" role="group">
                <button type="button" aria-label=less data-testid="quantity-decrease"
                    disabled=move || busy.get() || (quantity <= 1)
                    on:click=move |_| change(dec.clone(), Change::Quantity(quantity - 1))>"−"</button>
                <span class="cart-line-quantity" data-testid="line-quantity">{quantity}</span>
                <button type="button" aria-label=more data-testid="quantity-increase"
                    disabled=move || busy.get() || (quantity >= 99)
                    on:click=move |_| change(inc.clone(), Change::Quantity(quantity + 1))>"+"</button>
            </span>
            <span class="cart-line-unit">{format_money(&line.unit_price, locale)}" "{text(Text::Each)}</span>
            <span class="cart-line-total">{format_money(&line.line_total, locale)}</span>
            <button type="button" class="cart-line-remove" data-testid="remove-line"
                disabled=move || busy.get()
                on:click=move |_| change(remove.clone(), Change::Remove)>{text(Text::Remove)}</button>
        </li>
    }
}

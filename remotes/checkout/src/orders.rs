//! Placed orders: the confirmation after checkout, the order list and one order, all read from
//! the cart API, which answers only the order's owner.

use contracts::api::{Order, OrderSummary};
use contracts::format::{date as format_date, money as format_money};
use leptos::prelude::*;

use crate::browser;
use crate::i18n::{t, Text};
use crate::parts::{failure, summary, text, Locale};

/// One order; `initial` is the order the server half read, if it rendered the page.
#[component]
pub fn OrderView(id: String, confirmation: bool, initial: Option<Order>) -> impl IntoView {
    let known = initial.as_ref().is_some_and(|order| order.order_id == id);
    let loaded: browser::Loaded<Order> = RwSignal::new(initial.filter(|_| known).map(Ok));
    let id = StoredValue::new(id);
    let load = move || browser::load_order(id.get_value(), loaded);
    if !known {
        load();
    }
    let Locale(locale) = expect_context::<Locale>();
    move || match loaded.get() {
        None => view! { <p class="checkout-status" aria-busy="true">{text(Text::Loading)}</p> }.into_any(),
        Some(Err(e)) => failure(e, load),
        Some(Ok(order)) => {
            let created = order.created_at;
            view! {
                <article class="checkout-order" data-testid=if confirmation { "order-confirmation" } else { "order-details" }>
                    {confirmation.then(|| view! { <h1>{text(Text::Thanks)}</h1> })}
                    <h2>
                        {text(Text::OrderNumber)} " "
                        <span data-testid="order-id">{order.order_id.clone()}</span>
                    </h2>
                    <p class="checkout-muted">{text(Text::Placed)} " " {move || format_date(created, &locale.get())}</p>
                    <address>{order.address.name.clone()}<br />{order.address.line1.clone()}<br />
                        {order.address.postal_code.clone()} " " {order.address.city.clone()}<br />{order.address.country.clone()}</address>
                    <p>{text(Text::PaidWith)} " " {order.card_last4.clone()}</p>
                    {summary(order.lines, order.totals)}
                    <a href="/orders">{text(Text::YourOrders)}</a>
                </article>
            }
            .into_any()
        }
    }
}

/// The visitor's orders; `initial` is what the server half read, if it rendered the page.
#[component]
pub fn OrdersList(initial: Option<Vec<OrderSummary>>) -> impl IntoView {
    let known = initial.is_some();
    let loaded: browser::Loaded<Vec<OrderSummary>> = RwSignal::new(initial.map(Ok));
    let load = move || browser::load_orders(loaded);
    if !known {
        load();
    }
    let Locale(locale) = expect_context::<Locale>();
    view! {
        <h1>{text(Text::YourOrders)}</h1>
        {move || match loaded.get() {
            None => view! { <p class="checkout-status" aria-busy="true">{text(Text::Loading)}</p> }.into_any(),
            Some(Err(e)) => failure(e, load),
            Some(Ok(orders)) if orders.is_empty() => view! { <p class="checkout-empty" data-testid="no-orders">{text(Text::NoOrders)}</p> }.into_any(),
            Some(Ok(orders)) => view! {
                <ul class="checkout-orders">
                    {orders.into_iter().map(|o| {
                        let l = locale.get();
                        view! {
                            <li data-testid="order-row">
                                <a href=format!("/orders/{}", contracts::routes::encode_component(&o.order_id))>{o.order_id.clone()}</a>
                                <span>{format_date(o.created_at, &l)}</span>
                                <span>{o.item_count} " " {t(&l, Text::Items)}</span>
                                <strong>{format_money(&o.total, &l)}</strong>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any(),
        }}
    }
}

//! Placed orders: the confirmation after checkout, the order list and one order, all read from
//! the cart API, which answers only the order's owner.

use contracts::api::{Order, OrderSummary};
use contracts::browser::http::HttpError;
use contracts::format::{date as format_date, money as format_money};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::i18n::{t, Text};
use crate::views::{failure, summary, text, Locale};

#[component]
pub fn OrderView(id: String, confirmation: bool) -> impl IntoView {
    let loaded = RwSignal::new(None::<Result<Order, HttpError>>);
    let id = StoredValue::new(id);
    let load = move || spawn_local(async move { loaded.set(Some(api::order(&id.get_value()).await)) });
    load();
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

#[component]
pub fn OrdersList() -> impl IntoView {
    let loaded = RwSignal::new(None::<Result<Vec<OrderSummary>, HttpError>>);
    let load = move || spawn_local(async move { loaded.set(Some(api::orders().await)) });
    load();
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

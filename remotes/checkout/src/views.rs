//! The checkout remote's pages, chosen from the URL (this remote has no router of its own: it
//! reads `location` and follows the shell's `platform:route-changed`).
//!
//! * `/checkout` starts a checkout session on the server and moves on to its first step;
//! * `/checkout/{address,payment,review}?session=<id>` are the steps, each with its own URL;
//! * `/checkout/confirmation/<orderId>`, `/orders` and `/orders/<orderId>` show placed orders.
//!
//! Everything here needs a signed-in visitor: without one the remote sends the visitor to the
//! shell's sign-in page with the way back in the URL.

use contracts::api::{CartLine, Totals};
use contracts::browser::events::subscribe;
use contracts::browser::http::HttpError;
use contracts::browser::navigation::{current_path, current_search, navigate, on_route_change};
use contracts::context::MountContext;
use contracts::events::{Envelope, LocaleChanged};
use contracts::format::money as format_money;
use contracts::routes::{query_param, sign_in_path};
use leptos::prelude::*;
use send_wrapper::SendWrapper;

use crate::i18n::{t, Text};
use crate::orders::{OrderView, OrdersList};
use crate::steps::{Start, Step, StepPage};
use crate::PUBLISHER;

/// Where the visitor is, as far as this remote is concerned.
#[derive(Clone, PartialEq)]
enum Page {
    Start,
    Step(Step, String),
    Confirmation(String),
    Orders,
    Order(String),
    Unknown,
}

fn page(path: &str, search: &str) -> Page {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let session = query_param(search, "session").filter(|s| !s.is_empty());
    match (segments.as_slice(), session) {
        (["checkout"], _) => Page::Start,
        (["checkout", step], Some(session)) => match Step::from_slug(step) {
            Some(step) => Page::Step(step, session),
            None => Page::Unknown,
        },
        // A step without its session id cannot be shown: start over.
        (["checkout", step], None) if Step::from_slug(step).is_some() => Page::Start,
        (["checkout", "confirmation", id], _) => Page::Confirmation(id.to_string()),
        (["orders"], _) => Page::Orders,
        (["orders", id], _) => Page::Order(id.to_string()),
        _ => Page::Unknown,
    }
}

#[component]
pub fn Checkout(context: MountContext) -> impl IntoView {
    let locale = RwSignal::new(context.locale.clone());
    let location = RwSignal::new((current_path(), current_search()));
    let listeners = SendWrapper::new((
        subscribe::<LocaleChanged, _>("checkout", move |e: Envelope<LocaleChanged>| locale.set(e.payload.locale)),
        on_route_change("checkout", move |route| location.set((route.path, route.search))),
    ));
    on_cleanup(move || drop(listeners));
    provide_context(Locale(locale));

    let signed_in = context.identity.logged_in;
    let current = Memo::new(move |_| location.with(|(path, search)| page(path, search)));
    view! {
        <section class="checkout" data-testid="checkout-page">
            {move || {
                if !signed_in {
                    // The shell owns sign-in; it sends the visitor back here afterwards.
                    let (path, search) = location.get_untracked();
                    navigate(PUBLISHER, &sign_in_path(&format!("{path}{search}")), true);
                    return view! { <p class="checkout-status">{t(&locale.get_untracked(), Text::Loading)}</p> }.into_any();
                }
                match current.get() {
                    Page::Start => view! { <Start /> }.into_any(),
                    Page::Step(step, session) => view! { <StepPage step session /> }.into_any(),
                    Page::Confirmation(id) => view! { <OrderView id confirmation=true /> }.into_any(),
                    Page::Orders => view! { <OrdersList /> }.into_any(),
                    Page::Order(id) => view! { <OrderView id confirmation=false /> }.into_any(),
                    Page::Unknown => view! { <p class="checkout-status" data-testid="checkout-not-found">"404"</p> }.into_any(),
                }
            }}
        </section>
    }
}

/// The current locale, for every view of this remote.
#[derive(Clone, Copy)]
pub struct Locale(pub RwSignal<String>);

pub fn text(key: Text) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let Locale(locale) = expect_context::<Locale>();
    move || t(&locale.get(), key)
}

/// An error with a way to try again.
pub fn failure(error: HttpError, retry: impl Fn() + Copy + Send + Sync + 'static) -> AnyView {
    view! {
        <div class="checkout-error" role="alert" data-testid="checkout-error">
            <p>{text(Text::Failed)} " " {error.to_string()}</p>
            <button type="button" on:click=move |_| retry()>{text(Text::TryAgain)}</button>
        </div>
    }
    .into_any()
}

/// Lines and totals as the server computed them.
pub fn summary(lines: Vec<CartLine>, totals: Totals) -> impl IntoView {
    let Locale(locale) = expect_context::<Locale>();
    let money = move |m: &contracts::api::Money| format_money(m, &locale.get());
    let shipping = totals.shipping.clone();
    view! {
        <ul class="checkout-lines">
            {lines.into_iter().map(|line| {
                let total = line.line_total.clone();
                view! {
                    <li data-testid="checkout-line">
                        <img src=line.image.clone() alt="" width="48" height="42" />
                        <span class="checkout-line-name">{line.quantity} " × " {line.name.clone()}</span>
                        <span>{move || money(&total)}</span>
                    </li>
                }
            }).collect_view()}
        </ul>
        <dl class="checkout-totals">
            <dt>{text(Text::Subtotal)}</dt><dd>{let m = totals.subtotal.clone(); move || money(&m)}</dd>
            <dt>{text(Text::Shipping)}</dt>
            <dd>{move || if shipping.amount == 0 { t(&locale.get(), Text::Free).to_string() } else { money(&shipping) }}</dd>
            <dt>{text(Text::Tax)}</dt><dd>{let m = totals.tax.clone(); move || money(&m)}</dd>
            <dt class="checkout-total">{text(Text::Total)}</dt>
            <dd class="checkout-total" data-testid="checkout-total">{let m = totals.total.clone(); move || money(&m)}</dd>
        </dl>
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    #[wasm_bindgen_test]
    fn urls_name_the_page() {
        assert!(page("/checkout", "") == Page::Start);
        assert!(page("/checkout/payment", "?session=chk_1") == Page::Step(Step::Payment, "chk_1".into()));
        assert!(page("/checkout/payment", "") == Page::Start);
        assert!(page("/checkout/confirmation/ord_1", "") == Page::Confirmation("ord_1".into()));
        assert!(page("/orders", "") == Page::Orders);
        assert!(page("/orders/ord_1", "") == Page::Order("ord_1".into()));
        assert!(page("/checkout/nonsense", "?session=x") == Page::Unknown);
    }
}

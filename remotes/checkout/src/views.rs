//! The checkout remote's pages, chosen from the URL (this remote has no router of its own: it
//! reads `location` and follows the shell's `platform:route-changed`).
//!
//! * `/checkout` starts a checkout session on the server and moves on to its first step;
//! * `/checkout/{address,payment,review}?session=<id>` are the steps, each with its own URL;
//! * `/checkout/confirmation/<orderId>`, `/orders` and `/orders/<orderId>` show placed orders.
//!
//! Everything here needs a signed-in visitor: without one the remote sends the visitor to the
//! shell's sign-in page with the way back in the URL.

use contracts::api::{Order, OrderSummary};
use contracts::context::MountContext;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::browser;
use crate::i18n::{t, Text};
use crate::orders::{OrderView, OrdersList};
use crate::pages::{page, Page};
use crate::parts::Locale;

/// What the first page of a mount shows: its URL, and what the server half read for it (the
/// orders, or one order), so the browser half starts from the same data and asks nothing again.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Shown {
    pub path: String,
    pub search: String,
    #[serde(default)]
    pub orders: Option<Vec<OrderSummary>>,
    #[serde(default)]
    pub order: Option<Order>,
}

#[component]
pub fn Checkout(context: MountContext, shown: Shown) -> impl IntoView {
    let locale = RwSignal::new(context.locale.clone());
    let location = RwSignal::new((shown.path.clone(), shown.search.clone()));
    browser::follow(locale, location);
    provide_context(Locale(locale));
    // Used once, by the first page: a later visit to the same URL reads the API again.
    let first = StoredValue::new(Some(shown));
    let preloaded = move || first.try_update_value(Option::take).flatten();

    let signed_in = context.identity.logged_in;
    let current = Memo::new(move |_| location.with(|(path, search)| page(path, search)));
    view! {
        <section class="checkout" data-testid="checkout-page">
            {move || {
                if !signed_in {
                    // The shell owns sign-in; it sends the visitor back here afterwards.
                    let (path, search) = location.get_untracked();
                    browser::to_sign_in(&format!("{path}{search}"));
                    return view! { <p class="checkout-status">{t(&locale.get_untracked(), Text::Loading)}</p> }.into_any();
                }
                let shown = preloaded();
                match current.get() {
                    Page::Start => browser::start(),
                    Page::Step(step, session) => browser::step(step, session),
                    Page::Confirmation(id) => {
                        view! { <OrderView id confirmation=true initial=shown.and_then(|s| s.order) /> }.into_any()
                    }
                    Page::Orders => view! { <OrdersList initial=shown.and_then(|s| s.orders) /> }.into_any(),
                    Page::Order(id) => {
                        view! { <OrderView id confirmation=false initial=shown.and_then(|s| s.order) /> }.into_any()
                    }
                    Page::Unknown => view! { <p class="checkout-status" data-testid="checkout-not-found">"404"</p> }.into_any(),
                }
            }}
        </section>
    }
}

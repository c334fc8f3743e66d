//! The checkout's server half: the order pages (`/orders`, `/orders/:id`, the confirmation),
//! read from the cart API with the visitor's session and rendered with the same views as in the
//! browser. The checkout steps start with or lead to writes (a checkout session, an address, a
//! payment) and a visitor who is not signed in is sent to sign in: those pages the server half
//! leaves to the browser, which does exactly what it does without server rendering.

use contracts::api::{Order, OrderSummary};
use contracts::fragment::{state_block, FragmentRequest, FragmentResponse, Head};
use contracts::routes::encode_component;
use contracts::server::{split_url, Api, FragmentError, Visitor};
use leptos::prelude::*;

use crate::i18n::{t, Text};
use crate::pages::{page, Page};
use crate::views::{Checkout, CheckoutProps, Shown};

/// The fragment for `request.url`, or why the browser renders it.
pub async fn render(request: FragmentRequest, api: Api, visitor: Visitor) -> Result<FragmentResponse, FragmentError> {
    if !request.context.identity.logged_in {
        return Err(FragmentError::BrowserOnly("a visitor who is not signed in is sent to sign in"));
    }
    let (path, search) = split_url(&request.url);
    let mut shown = Shown { path, search, ..Default::default() };
    let locale = request.context.locale.clone();
    let title = match page(&shown.path, &shown.search) {
        Page::Orders => {
            shown.orders = Some(api.get_json::<Vec<OrderSummary>>("/api/orders", &visitor).await?);
            t(&locale, Text::YourOrders)
        }
        Page::Order(id) | Page::Confirmation(id) => {
            let order = format!("/api/orders/{}", encode_component(&id));
            shown.order = Some(api.get_json::<Order>(&order, &visitor).await?);
            t(&locale, Text::OrderNumber)
        }
        Page::Start | Page::Step(..) => return Err(FragmentError::BrowserOnly("the checkout steps write")),
        Page::Unknown => return Err(FragmentError::BrowserOnly("no such page")),
    };
    let mut html = to_html(request.context, shown.clone());
    html.push_str(&state_block(&shown));
    Ok(FragmentResponse {
        version: env!("CARGO_PKG_VERSION").to_string(),
        html,
        head: Head { title: Some(format!("{title} · Tractor & Co.")), ..Default::default() },
        // The visitor's own orders: never shared.
        shared_max_age: 0,
    })
}

/// The page's markup, as the browser half renders it on its first frame.
pub fn to_html(context: contracts::context::MountContext, shown: Shown) -> String {
    let owner = Owner::new();
    owner.with(|| Checkout(CheckoutProps { context, shown }).to_html())
}

#[cfg(test)]
mod tests {
    use contracts::api::Money;
    use contracts::context::{IdentitySummary, MountContext, Theme};

    use super::*;

    fn signed_in(locale: &str) -> MountContext {
        let identity = IdentitySummary { logged_in: true, ..Default::default() };
        MountContext::new("shell@test", locale, Theme::Light, identity)
    }

    #[test]
    fn renders_the_orders_the_browser_renders() {
        let orders = vec![OrderSummary {
            order_id: "ord_1".into(),
            status: "placed".into(),
            created_at: 1_764_000_000_000,
            item_count: 2,
            total: Money::new(4_998, "EUR"),
        }];
        let shown = Shown { path: "/orders".into(), orders: Some(orders), ..Default::default() };
        let html = to_html(signed_in("de-DE"), shown);
        assert!(html.contains(r#"href="/orders/ord_1""#), "{html}");
        assert!(html.contains("49,98"), "money in the visitor's format: {html}");
    }

    #[test]
    fn no_orders_says_so() {
        let shown = Shown { path: "/orders".into(), orders: Some(Vec::new()), ..Default::default() };
        assert!(to_html(signed_in("en-US"), shown).contains(r#"data-testid="no-orders""#));
    }
}

//! The cart's server half: the visitor's cart, read from the cart API with their session
//! cookie and rendered with the same views as in the browser. The cart travels in the fragment,
//! so the browser half starts from it.

use contracts::api::{Cart, Money, Totals};
use contracts::fragment::{state_block, FragmentRequest, FragmentResponse, Head};
use contracts::routes::{CART_API, CART_PATH};
use contracts::server::{Api, FragmentError, Visitor};
use leptos::prelude::*;

use crate::i18n::{t, Text};
use crate::views::{CartPage, CartPageProps};

/// The fragment for `/cart`.
pub async fn render(request: FragmentRequest, api: Api, visitor: Visitor) -> Result<FragmentResponse, FragmentError> {
    // Without a session there is no cart yet; asking would open a session whose cookie the
    // browser never gets. The empty cart is what the API would answer.
    let cart = match visitor.has_session() {
        true => api.get_json::<Cart>(CART_API, &visitor).await?,
        false => empty(),
    };
    let locale = request.context.locale.clone();
    let mut html = to_html(request.context, cart.clone());
    html.push_str(&state_block(&cart));
    let title = t(&locale, Text::Title);
    Ok(FragmentResponse {
        version: env!("CARGO_PKG_VERSION").to_string(),
        html,
        head: Head {
            title: Some(format!("{title} · Tractor & Co.")),
            description: Some(title.to_string()),
            canonical: Some(CART_PATH.to_string()),
            json_ld: None,
            status: None,
        },
        // The visitor's own cart: never shared.
        shared_max_age: 0,
    })
}

/// The cart page's markup, as the browser half renders it on its first frame.
pub fn to_html(context: contracts::context::MountContext, cart: Cart) -> String {
    let owner = Owner::new();
    owner.with(|| CartPage(CartPageProps { context, cart: Some(cart) }).to_html())
}

fn empty() -> Cart {
    let zero = || Money::new(0, "EUR");
    Cart {
        cart_id: String::new(),
        version: 0,
        item_count: 0,
        lines: Vec::new(),
        totals: Totals { subtotal: zero(), shipping: zero(), tax: zero(), total: zero() },
    }
}

#[cfg(test)]
mod tests {
    use contracts::api::CartLine;
    use contracts::context::{IdentitySummary, MountContext, Theme};

    use super::*;

    fn context(locale: &str) -> MountContext {
        MountContext::new("shell@test", locale, Theme::Light, IdentitySummary::default())
    }

    #[test]
    fn an_empty_cart_says_so() {
        let html = to_html(context("de-DE"), empty());
        assert!(html.contains("Ihr Warenkorb ist leer."), "{html}");
    }

    #[test]
    fn renders_the_lines_and_totals_the_browser_renders() {
        let mut cart = empty();
        cart.item_count = 2;
        cart.totals.subtotal = Money::new(3998, "EUR");
        cart.totals.total = Money::new(3998, "EUR");
        cart.lines = vec![serde_json::from_value::<CartLine>(serde_json::json!({
            "lineId": "l1", "productId": 7, "variantId": "red", "name": "Tractor <Deluxe>",
            "image": "/images/products/7.svg", "quantity": 2,
            "unitPrice": { "amount": 1999, "currency": "EUR" }, "lineTotal": { "amount": 3998, "currency": "EUR" }
        }))
        .expect("a line")];
        let html = to_html(context("en-US"), cart);
        assert!(html.contains("Tractor &lt;Deluxe&gt;"), "{html}");
        assert!(html.contains(r#"class="cart-line-quantity">2<"#), "{html}");
        assert!(html.contains("39.98"), "{html}");
    }
}

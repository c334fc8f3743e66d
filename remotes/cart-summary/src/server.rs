//! The cart summary's server half: the visitor's count and subtotal, read from the cart API
//! with their session cookie and rendered with the browser half's markup. A visitor without a
//! session has no cart, so nothing is asked (asking would open a session whose cookie the
//! browser never gets).

use contracts::api::CartSummary;
use contracts::fragment::{state_block, FragmentRequest, FragmentResponse, Head};
use contracts::routes::CART_API;
use contracts::server::{Api, FragmentError, Visitor};

use crate::markup::{html, Seen, Shown};

/// The fragment for any page: the summary is the same on every one.
pub async fn render(request: FragmentRequest, api: Api, visitor: Visitor) -> Result<FragmentResponse, FragmentError> {
    let cart = match visitor.has_session() {
        true => Some(api.get_json::<CartSummary>(CART_API, &visitor).await?),
        false => None,
    };
    let seen = Seen { cart };
    Ok(FragmentResponse {
        version: env!("CARGO_PKG_VERSION").to_string(),
        html: to_html(&request.context.locale, &seen),
        head: Head::default(),
        // The visitor's own cart: never shared.
        shared_max_age: 0,
    })
}

/// The summary's HTML and the state block the browser half starts from.
fn to_html(locale: &str, seen: &Seen) -> String {
    let count = seen.cart.as_ref().map_or(0, |c| c.item_count);
    let mut out = html(&Shown::new(locale, count, seen.cart.as_ref()));
    out.push_str(&state_block(seen));
    out
}

#[cfg(test)]
mod tests {
    use contracts::api::Money;

    use super::*;

    #[test]
    fn a_visitor_without_a_cart_sees_an_empty_one() {
        let html = to_html("en-US", &Seen { cart: None });
        assert!(html.contains(r#"data-testid="cart-badge" aria-hidden="true">0<"#), "{html}");
        assert!(html.contains(r#""cart":null"#), "the browser half knows there is nothing to read: {html}");
    }

    #[test]
    fn a_visitors_cart_shows_its_count_and_subtotal() {
        let cart = CartSummary { cart_id: "cart_1".into(), item_count: 3, subtotal: Money::new(5997, "EUR") };
        let html = to_html("en-US", &Seen { cart: Some(cart) });
        assert!(html.contains(r#"aria-label="Cart, 3 items""#), "{html}");
        assert!(html.contains("59.97"), "{html}");
    }
}

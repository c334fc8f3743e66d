//! What the summary shows and its markup, one definition for both halves: the server half
//! sends this HTML, and the browser half builds its DOM from the same HTML, then keeps the
//! texts current as the cart changes.

use contracts::api::CartSummary;
use contracts::context::Language;
use contracts::format::money;
use contracts::fragment::escape_html;
use contracts::routes::CART_PATH;
use serde::{Deserialize, Serialize};

/// What the server half read, in the fragment's state block: the visitor's cart, or `None` for
/// a visitor without a session, who has no cart yet. Either way the browser half need not ask.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seen {
    pub cart: Option<CartSummary>,
}

/// The summary's texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    /// What a screen reader hears for the whole link.
    pub label: String,
    pub word: &'static str,
    pub badge: String,
    pub subtotal: Option<String>,
}

impl Shown {
    /// The summary for a badge of `count` items and the cart last read. A subtotal read for
    /// another count (an event's count arrives before the API's new answer) would be wrong beside
    /// it, so none is shown until that answer comes.
    pub fn new(locale: &str, count: u32, cart: Option<&CartSummary>) -> Shown {
        let language = Language::of(locale);
        let subtotal = cart.filter(|c| count > 0 && c.item_count == count).map(|c| money(&c.subtotal, locale));
        Shown { label: label(language, count), word: cart_word(language), badge: count.to_string(), subtotal }
    }
}

/// The summary's HTML. The class names are the parts the browser half updates.
pub fn html(shown: &Shown) -> String {
    format!(
        concat!(
            r#"<a class="cart-summary" data-testid="cart-summary" href="{href}" aria-label="{label}">"#,
            // The link's label says it all for assistive technology.
            r#"<span class="cart-summary-label" aria-hidden="true">{word}</span>"#,
            r#"<span class="cart-summary-badge" data-testid="cart-badge" aria-hidden="true">{badge}</span>"#,
            r#"<span class="cart-summary-subtotal" data-testid="cart-summary-subtotal" aria-hidden="true">{subtotal}</span>"#,
            "</a>"
        ),
        href = CART_PATH,
        label = escape_html(&shown.label),
        word = escape_html(shown.word),
        badge = escape_html(&shown.badge),
        subtotal = escape_html(shown.subtotal.as_deref().unwrap_or_default()),
    )
}

fn cart_word(language: Language) -> &'static str {
    match language {
        Language::En => "Cart",
        Language::De => "Warenkorb",
    }
}

fn label(language: Language, count: u32) -> String {
    match (language, count) {
        (Language::En, 1) => "Cart, 1 item".to_string(),
        (Language::En, n) => format!("Cart, {n} items"),
        (Language::De, n) => format!("Warenkorb, {n} Artikel"),
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use contracts::api::Money;

    use super::*;

    fn cart(count: u32) -> CartSummary {
        CartSummary { cart_id: "cart_1".into(), item_count: count, subtotal: Money::new(3998, "EUR") }
    }

    #[test]
    fn the_label_counts_in_the_visitors_language() {
        assert_eq!(label(Language::En, 1), "Cart, 1 item");
        assert_eq!(label(Language::En, 3), "Cart, 3 items");
        assert_eq!(label(Language::De, 1), "Warenkorb, 1 Artikel");
    }

    #[test]
    fn a_subtotal_is_shown_only_beside_the_count_it_was_read_with() {
        assert!(Shown::new("en-US", 2, Some(&cart(2))).subtotal.is_some());
        assert_eq!(Shown::new("en-US", 3, Some(&cart(2))).subtotal, None, "until the API answers for 3");
        assert_eq!(Shown::new("en-US", 0, None).subtotal, None);
    }

    #[test]
    fn the_markup_carries_the_texts_escaped() {
        let markup = html(&Shown::new("de-DE", 2, Some(&cart(2))));
        assert!(markup.starts_with(r#"<a class="cart-summary" data-testid="cart-summary" href="/cart""#), "{markup}");
        assert!(markup.contains(r#"aria-label="Warenkorb, 2 Artikel""#), "{markup}");
        assert!(markup.contains(">39,98"), "money in the visitor's format: {markup}");
        let odd = Shown { label: "<x>".into(), word: "&", badge: "1".into(), subtotal: None };
        let odd = html(&odd);
        assert!(odd.contains("&lt;x&gt;") && odd.contains(">&amp;<"), "{odd}");
    }
}

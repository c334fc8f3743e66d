//! The summary's DOM, written by hand: four elements are not worth a UI framework's bytes on
//! every page.

use std::cell::RefCell;
use std::rc::Rc;

use contracts::api::Cart;
use contracts::browser::events::subscribe;
use contracts::browser::{format_money, http};
use contracts::context::{Language, MountContext};
use contracts::events::{CartUpdated, Envelope, LocaleChanged};
use contracts::routes::CART_PATH;
use gloo_events::EventListener;
use web_sys::{Element, HtmlElement};

/// The link and its three parts.
struct Parts {
    link: Element,
    label: Element,
    badge: Element,
    subtotal: Element,
}

struct State {
    parts: Option<Parts>,
    locale: String,
    cart: Option<Cart>,
    /// Answers can overtake each other; only the newest request's answer is shown.
    latest: u64,
}

/// A mounted summary: dropping it (the shell's `unmount`) stops its listeners and clears `host`.
pub struct Summary {
    host: HtmlElement,
    _listeners: [EventListener; 2],
}

impl Summary {
    pub fn mount(host: HtmlElement, context: MountContext) -> Summary {
        let state = Rc::new(RefCell::new(State { parts: build(&host), locale: context.locale, cart: None, latest: 0 }));
        render(&state.borrow());
        refresh(state.clone());
        let on_cart = {
            let state = state.clone();
            subscribe::<CartUpdated, _>("cart-summary", move |_: Envelope<CartUpdated>| refresh(state.clone()))
        };
        let on_locale = subscribe::<LocaleChanged, _>("cart-summary", move |e: Envelope<LocaleChanged>| {
            state.borrow_mut().locale = e.payload.locale;
            render(&state.borrow());
        });
        Summary { host, _listeners: [on_cart, on_locale] }
    }
}

impl Drop for Summary {
    fn drop(&mut self) {
        self.host.set_inner_html("");
    }
}

fn build(host: &HtmlElement) -> Option<Parts> {
    let document = host.owner_document()?;
    let element = |tag: &str, class: &str, testid: Option<&str>| -> Option<Element> {
        let e = document.create_element(tag).ok()?;
        e.set_class_name(class);
        if let Some(testid) = testid {
            e.set_attribute("data-testid", testid).ok()?;
        }
        Some(e)
    };
    let link = element("a", "cart-summary", Some("cart-summary"))?;
    link.set_attribute("href", CART_PATH).ok()?;
    let label = element("span", "cart-summary-label", None)?;
    let badge = element("span", "cart-summary-badge", Some("cart-badge"))?;
    let subtotal = element("span", "cart-summary-subtotal", Some("cart-summary-subtotal"))?;
    for part in [&label, &badge, &subtotal] {
        // The link's label says it all for assistive technology.
        part.set_attribute("aria-hidden", "true").ok()?;
        link.append_child(part).ok()?;
    }
    host.append_child(&link).ok()?;
    Some(Parts { link, label, badge, subtotal })
}

fn refresh(state: Rc<RefCell<State>>) {
    let request = {
        let mut s = state.borrow_mut();
        s.latest += 1;
        s.latest
    };
    wasm_bindgen_futures::spawn_local(async move {
        match http::get_json::<Cart>("/api/cart").await {
            Ok(cart) if state.borrow().latest == request => {
                state.borrow_mut().cart = Some(cart);
                render(&state.borrow());
            }
            Ok(_) => {}
            Err(e) => web_sys::console::warn_1(&format!("[cart-summary] {e}").into()),
        }
    });
}

fn render(state: &State) {
    let Some(parts) = &state.parts else { return };
    let count = state.cart.as_ref().map_or(0, |c| c.item_count);
    let language = Language::of(&state.locale);
    let _ = parts.link.set_attribute("aria-label", &label(language, count));
    parts.label.set_text_content(Some(cart_word(language)));
    parts.badge.set_text_content(Some(&count.to_string()));
    let subtotal = state.cart.as_ref().filter(|c| c.item_count > 0).map(|c| format_money(&c.totals.subtotal, &state.locale));
    parts.subtotal.set_text_content(subtotal.as_deref());
}

fn cart_word(language: Language) -> &'static str {
    match language {
        Language::En => "Cart",
        Language::De => "Warenkorb",
    }
}

/// What a screen reader hears for the whole link.
fn label(language: Language, count: u32) -> String {
    match (language, count) {
        (Language::En, 1) => "Cart, 1 item".to_string(),
        (Language::En, n) => format!("Cart, {n} items"),
        (Language::De, n) => format!("Warenkorb, {n} Artikel"),
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    #[wasm_bindgen_test]
    fn the_label_counts_in_the_visitors_language() {
        assert_eq!(label(Language::En, 1), "Cart, 1 item");
        assert_eq!(label(Language::En, 3), "Cart, 3 items");
        assert_eq!(label(Language::De, 1), "Warenkorb, 1 Artikel");
    }
}

//! The summary's DOM, written by hand: four elements are not worth a UI framework's bytes on
//! every page.

use std::cell::RefCell;
use std::rc::Rc;

use contracts::api::CartSummary;
use contracts::browser::events::subscribe;
use contracts::browser::http;
use contracts::context::{Language, MountContext};
use contracts::events::{CartUpdated, Envelope, LocaleChanged};
use contracts::format::money as format_money;
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
    cart: Option<CartSummary>,
    /// The badge: the API's count, or a newer one a `cart:updated` carried.
    count: u32,
    /// Answers can overtake each other; only the newest request's answer is shown.
    latest: u64,
}

impl State {
    /// A `cart:updated` carries the count the API answered the remote that changed the cart: the
    /// badge shows it at once (the article's sequence), and the subtotal follows from the API.
    /// A count for another cart than the one read here is not this visitor's and is ignored.
    fn counted(&mut self, event: &CartUpdated) -> bool {
        let ours = self.cart.as_ref().is_none_or(|cart| cart.cart_id == event.cart_id);
        if ours {
            self.count = event.item_count;
        } else {
            web_sys::console::info_1(
                &format!("[cart-summary] ignored cart:updated for another cart ({})", event.cart_id).into(),
            );
        }
        ours
    }
}

/// A mounted summary: dropping it (the shell's `unmount`) stops its listeners and clears `host`.
pub struct Summary {
    host: HtmlElement,
    _listeners: [EventListener; 2],
}

impl Summary {
    pub fn mount(host: HtmlElement, context: MountContext) -> Summary {
        let state = Rc::new(RefCell::new(State {
            parts: build(&host),
            locale: context.locale,
            cart: None,
            count: 0,
            latest: 0,
        }));
        render(&state.borrow());
        refresh(state.clone());
        let on_cart = {
            let state = state.clone();
            subscribe::<CartUpdated, _>("cart-summary", move |e: Envelope<CartUpdated>| {
                if state.borrow_mut().counted(&e.payload) {
                    render(&state.borrow());
                }
                refresh(state.clone());
            })
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
        match http::get_json::<CartSummary>(contracts::routes::CART_API).await {
            Ok(cart) if state.borrow().latest == request => {
                let mut s = state.borrow_mut();
                s.count = cart.item_count;
                s.cart = Some(cart);
                drop(s);
                render(&state.borrow());
            }
            Ok(_) => {}
            Err(e) => web_sys::console::warn_1(&format!("[cart-summary] {e}").into()),
        }
    });
}

fn render(state: &State) {
    let Some(parts) = &state.parts else { return };
    let count = state.count;
    let language = Language::of(&state.locale);
    let _ = parts.link.set_attribute("aria-label", &label(language, count));
    parts.label.set_text_content(Some(cart_word(language)));
    parts.badge.set_text_content(Some(&count.to_string()));
    parts.subtotal.set_text_content(subtotal(state).as_deref());
}

/// The subtotal beside the badge. One read for another count (an event's count arrives before
/// the API's new answer) would be wrong beside it, so none is shown until that answer comes.
fn subtotal(state: &State) -> Option<String> {
    let count = state.count;
    state.cart.as_ref().filter(|c| count > 0 && c.item_count == count).map(|c| format_money(&c.subtotal, &state.locale))
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

    fn state_with(cart_id: Option<&str>) -> State {
        let cart = cart_id.map(|id| {
            serde_json::from_value(serde_json::json!({
                "cartId": id, "version": 3, "itemCount": 2, "lines": [],
                "subtotal": { "amount": 0, "currency": "EUR" }, "shipping": { "amount": 0, "currency": "EUR" },
                "tax": { "amount": 0, "currency": "EUR" }, "total": { "amount": 0, "currency": "EUR" }
            }))
            .expect("a cart")
        });
        State { parts: None, locale: "en-US".into(), count: 2, cart, latest: 0 }
    }

    #[wasm_bindgen_test]
    fn the_badge_takes_the_count_an_event_carries_for_this_cart_only() {
        let event = |cart_id: &str, item_count| CartUpdated { cart_id: cart_id.into(), item_count };
        let mut state = state_with(Some("cart_1"));
        assert!(state.counted(&event("cart_1", 5)));
        assert_eq!(state.count, 5);
        assert!(!state.counted(&event("cart_other", 9)));
        assert_eq!(state.count, 5);
        // Before the first answer of the API there is no cart to compare with.
        let mut fresh = state_with(None);
        assert!(fresh.counted(&event("cart_1", 1)));
        assert_eq!(fresh.count, 1);
    }

    #[wasm_bindgen_test]
    fn a_subtotal_is_shown_only_beside_the_count_it_was_read_with() {
        let mut state = state_with(Some("cart_1"));
        assert!(subtotal(&state).is_some(), "the API's count and subtotal belong together");
        state.counted(&CartUpdated { cart_id: "cart_1".into(), item_count: 3 });
        assert_eq!(subtotal(&state), None, "until the API answers for the new count");
        state.count = 0;
        state.cart = None;
        assert_eq!(subtotal(&state), None);
    }

    #[wasm_bindgen_test]
    fn the_label_counts_in_the_visitors_language() {
        assert_eq!(label(Language::En, 1), "Cart, 1 item");
        assert_eq!(label(Language::En, 3), "Cart, 3 items");
        assert_eq!(label(Language::De, 1), "Warenkorb, 1 Artikel");
    }
}

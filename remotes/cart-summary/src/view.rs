//! The summary's DOM, written by hand: four elements are not worth a UI framework's bytes on
//! every page. Built from the same HTML the server half sends ([`crate::markup`]).

use std::cell::RefCell;
use std::rc::Rc;

use contracts::api::CartSummary;
use contracts::browser::events::subscribe;
use contracts::browser::http;
use contracts::browser::load::Newest;
use contracts::browser::navigation::on_locale_change;
use contracts::context::MountContext;
use contracts::events::{CartUpdated, Envelope};
use gloo_events::EventListener;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

use crate::markup::{html, Seen, Shown};

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
    newest: Newest,
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

    fn shown(&self) -> Shown {
        Shown::new(&self.locale, self.count, self.cart.as_ref())
    }
}

/// A mounted summary: dropping it (the shell's `unmount`) stops its listeners and clears `host`.
pub struct Summary {
    host: HtmlElement,
    _listeners: [EventListener; 2],
}

impl Summary {
    pub fn mount(host: HtmlElement, context: MountContext) -> Summary {
        // What the server half read, when it rendered this slot: no need to ask again.
        let seen = contracts::browser::mount::server_state::<Seen>(&host);
        let mut state = State { parts: None, locale: context.locale, cart: None, count: 0, newest: Newest::new() };
        if let Some(Seen { cart: Some(cart) }) = &seen {
            state.count = cart.item_count;
            state.cart = Some(cart.clone());
        }
        state.parts = build(&host, &state.shown());
        let state = Rc::new(RefCell::new(state));
        if seen.is_none() {
            refresh(state.clone());
        }
        let on_cart = {
            let state = state.clone();
            subscribe::<CartUpdated, _>("cart-summary", move |e: Envelope<CartUpdated>| {
                if state.borrow_mut().counted(&e.payload) {
                    render(&state.borrow());
                }
                refresh(state.clone());
            })
        };
        let on_locale = on_locale_change("cart-summary", move |locale| {
            state.borrow_mut().locale = locale;
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

/// Adds the summary's markup to `host` and finds its parts.
fn build(host: &HtmlElement, shown: &Shown) -> Option<Parts> {
    let holder = host.owner_document()?.create_element("div").ok()?;
    holder.set_inner_html(&html(shown));
    let link = holder.first_element_child()?;
    let part = |class: &str| link.query_selector(class).ok().flatten();
    let parts = Parts {
        label: part(".cart-summary-label")?,
        badge: part(".cart-summary-badge")?,
        subtotal: part(".cart-summary-subtotal")?,
        link: link.clone(),
    };
    host.append_child(link.unchecked_ref()).ok()?;
    Some(parts)
}

fn refresh(state: Rc<RefCell<State>>) {
    let newest = state.borrow().newest.clone();
    newest.run(http::get_json::<CartSummary>(contracts::routes::CART_API), move |answer| match answer {
        Ok(cart) => {
            let mut s = state.borrow_mut();
            s.count = cart.item_count;
            s.cart = Some(cart);
            drop(s);
            render(&state.borrow());
        }
        Err(e) => web_sys::console::warn_1(&format!("[cart-summary] {e}").into()),
    });
}

fn render(state: &State) {
    let Some(parts) = &state.parts else { return };
    let shown = state.shown();
    let _ = parts.link.set_attribute("aria-label", &shown.label);
    parts.label.set_text_content(Some(shown.word));
    parts.badge.set_text_content(Some(&shown.badge));
    parts.subtotal.set_text_content(shown.subtotal.as_deref());
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    fn state_with(cart_id: Option<&str>) -> State {
        let cart = cart_id.map(|id| CartSummary {
            cart_id: id.into(),
            item_count: 2,
            subtotal: contracts::api::Money::new(0, "EUR"),
        });
        State { parts: None, locale: "en-US".into(), count: 2, cart, newest: Newest::new() }
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
    fn the_dom_is_built_from_the_servers_markup() {
        let document = web_sys::window().and_then(|w| w.document()).expect("a document");
        let host: HtmlElement = document.create_element("div").expect("a div").unchecked_into();
        let parts = build(&host, &state_with(Some("cart_1")).shown()).expect("the parts");
        assert_eq!(parts.badge.text_content().as_deref(), Some("2"));
        assert_eq!(host.inner_html(), html(&state_with(Some("cart_1")).shown()));
    }
}

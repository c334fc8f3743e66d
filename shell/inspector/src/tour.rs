//! Guided tours for interviews: `?tour=add-to-cart` walks through the article's add-to-cart
//! scenario in the live store, `?tour=search` through URL state. Each step says what happens and
//! why, outlines the part of the page concerned (the boundary overlay, with that one part
//! highlighted), waits for the visitor where the scenario needs a click, and names the file that
//! implements it and its docs page.
//!
//! A tour only watches, like the rest of the inspector: it waits on the page's own events (the
//! log) and the URL, and never drives a remote.

use leptos::prelude::*;

use crate::log::{EventLog, Record};

/// Where a fork's sources are browsed (`STORE_SOURCE_URL` at build time, for example
/// `https://github.com/you/shop/blob/main`); without it, paths are shown as text.
const SOURCE: Option<&str> = option_env!("STORE_SOURCE_URL");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tour {
    AddToCart,
    Search,
}

impl Tour {
    /// The tour a `?tour=` value names.
    pub fn from_query(search: &str) -> Option<Tour> {
        search.trim_start_matches('?').split('&').find_map(|pair| match pair.split_once('=') {
            Some(("tour", "add-to-cart")) => Some(Tour::AddToCart),
            Some(("tour", "search")) => Some(Tour::Search),
            _ => None,
        })
    }

    fn title(self) -> &'static str {
        match self {
            Tour::AddToCart => "Tour: adding to the cart",
            Tour::Search => "Tour: state in the URL",
        }
    }

    fn steps(self) -> &'static [Step] {
        match self {
            Tour::AddToCart => ADD_TO_CART,
            Tour::Search => SEARCH,
        }
    }
}

/// What a step waits for before the tour goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wait {
    /// The visitor presses "Next".
    Next,
    /// The page's path starts with this.
    Path(&'static str),
    /// An event of this name is published after the step began.
    Event(&'static str),
    /// The query string holds this key with a value.
    Query(&'static str),
    /// The query string no longer holds this key (the visitor went back).
    QueryGone(&'static str),
}

struct Step {
    /// The part of the page concerned: a slot's `data-remote`, or `shell` for the header.
    focus: Option<&'static str>,
    what: &'static str,
    why: &'static str,
    wait: Wait,
    file: &'static str,
    doc: &'static str,
}

const ADD_TO_CART: &[Step] = &[
    Step {
        focus: Some("shell"),
        what: "The shell owns the header, the router and the platform context (identity, locale, theme). It holds no domain logic.",
        why: "Each remote is its own wasm bundle, loaded at run time from the manifest; the shell only decides which one fills the page.",
        wait: Wait::Next,
        file: "shell/src/composition.rs",
        doc: "docs/patterns/shell-mediated.md",
    },
    Step {
        focus: Some("catalog"),
        what: "The catalog team owns the product list. Open a product.",
        why: "A link is all that crosses from catalog to product details: the product id travels in the URL, nothing else.",
        wait: Wait::Path("/products/"),
        file: "remotes/catalog/src/views.rs",
        doc: "docs/patterns/url-state.md",
    },
    Step {
        focus: Some("product-details"),
        what: "The product-details team owns this page. Choose a variant and press Add to cart.",
        why: "The variant is in the URL too (?variant=), so the page can be reloaded or shared as it is.",
        wait: Wait::Event("cart:updated"),
        file: "remotes/product-details/src/browser.rs",
        doc: "docs/patterns/url-state.md",
    },
    Step {
        focus: Some("product-details"),
        what: "product-details sent POST /api/cart/items with an Idempotency-Key. cart-api, the source of truth, stored the line and answered with the whole cart, priced.",
        why: "The server computes every price and total; a retried request is applied once. No remote keeps its own copy of the cart.",
        wait: Wait::Next,
        file: "cart-api/src/domain/cart.rs",
        doc: "docs/patterns/backend-source-of-truth.md",
    },
    Step {
        focus: Some("product-details"),
        what: "Then it published cart:updated v1 on window: a versioned CustomEvent whose payload type lives in contracts.",
        why: "The contract is the only thing shared: no store, no browser storage, no import of another team's code.",
        wait: Wait::Next,
        file: "contracts/src/events/cart.rs",
        doc: "docs/patterns/custom-events.md",
    },
    Step {
        focus: Some("cart-summary"),
        what: "The cart team's header fragment (cart-summary) handled it: the badge shows the new count at once, then it reads the subtotal from the API.",
        why: "The consumer validates the envelope and ignores what it cannot read, and says so in the event log; analytics and the shell's notifications consumed it too.",
        wait: Wait::Next,
        file: "remotes/cart-summary/src/view.rs",
        doc: "docs/patterns/no-global-store.md",
    },
    Step {
        focus: None,
        what: "That is the whole sequence. Open the inspector's Last action tab to see it drawn from what just happened, with each step's time.",
        why: "One trace id links the click, the API call and every event, so the inspector can draw it without any remote's help.",
        wait: Wait::Next,
        file: "shell/inspector/src/sequence.rs",
        doc: "docs/patterns/observability.md",
    },
];

const SEARCH: &[Step] = &[
    Step {
        focus: Some("catalog"),
        what: "The catalog keeps what you look at in the URL. Search for something (try: tractor).",
        why: "State that belongs to the page (search, category, sort, filters, page) lives where a link, a reload and Back already work.",
        wait: Wait::Query("q"),
        file: "remotes/catalog/src/views.rs",
        doc: "docs/patterns/url-state.md",
    },
    Step {
        focus: Some("catalog"),
        what: "The query is now in the address bar (?q=…). Choose a sort order.",
        why: "The catalog writes the URL and renders from it; the keys and sort names are one type in contracts (CatalogQuery), read the same way by the server.",
        wait: Wait::Query("sort"),
        file: "contracts/src/routes.rs",
        doc: "docs/patterns/url-state.md",
    },
    Step {
        focus: Some("catalog"),
        what: "Press the browser's Back button.",
        why: "Each change was a history entry: the catalog follows popstate and the shell's navigation event, so Back restores the previous state.",
        wait: Wait::QueryGone("sort"),
        file: "contracts/src/browser/navigation.rs",
        doc: "docs/patterns/url-state.md",
    },
    Step {
        focus: Some("catalog"),
        what: "The previous results are back. Reload the page or share the link: the same results come back, rendered on the server first.",
        why: "Nothing was stored in the browser and no other remote was told: the URL is the state.",
        wait: Wait::Next,
        file: "shell/src/navigation.rs",
        doc: "docs/patterns/url-state.md",
    },
];

/// Whether `wait` is met, given the page's location and the events since the step began.
fn met(wait: Wait, path: &str, search: &str, since: &[Record]) -> bool {
    let has_key = |key: &str| {
        search
            .trim_start_matches('?')
            .split('&')
            .any(|pair| pair.split_once('=').is_some_and(|(k, v)| k == key && !v.is_empty()))
    };
    match wait {
        Wait::Next => false,
        Wait::Path(prefix) => path.starts_with(prefix),
        Wait::Event(name) => since.iter().any(|r| r.name == name),
        Wait::Query(key) => has_key(key),
        Wait::QueryGone(key) => !has_key(key),
    }
}

/// The tour's card: the current step, its links, and Next where the visitor decides.
#[component]
pub fn TourCard(log: EventLog, tour: RwSignal<Option<Tour>>, show_sequence: Callback<()>) -> impl IntoView {
    let step = RwSignal::new(0_usize);
    // The last event when the step began: only events after it count.
    let last_seq = move || log.records.with_untracked(|r| r.last().map_or(0, |r| r.seq));
    let began = RwSignal::new(last_seq());
    let go = move |to: usize| {
        step.set(to);
        began.set(last_seq());
    };
    Effect::new(move |_| {
        if tour.get().is_some() {
            go(0);
        }
    });

    // Every navigation publishes `platform:route-changed`, so the log changing is the moment to
    // look at the URL again.
    Effect::new(move |_| {
        let Some(t) = tour.get() else { return };
        let Some(current) = t.steps().get(step.get()) else { return };
        let (path, search) = location();
        let since = log.records.with(|r| r.iter().filter(|r| r.seq > began.get()).cloned().collect::<Vec<_>>());
        if met(current.wait, &path, &search, &since) {
            go(step.get_untracked() + 1);
        }
    });

    // The boundary overlay, with the step's part of the page singled out.
    Effect::new(move |_| {
        let focus = tour.get().and_then(|t| t.steps().get(step.get()).and_then(|s| s.focus));
        highlight(tour.get().is_some(), focus);
    });
    on_cleanup(move || highlight(false, None));

    view! {
        {move || tour.get().map(|t| {
            let steps = t.steps();
            let n = step.get();
            let body = match steps.get(n) {
                Some(s) => view! {
                    <p class="tour-count">{format!("Step {} of {}", n + 1, steps.len())}</p>
                    <p class="tour-what" data-testid="tour">{s.what}</p>
                    <p class="tour-why">{s.why}</p>
                    <p class="tour-files">"Code: "<Source path=s.file />" · Docs: "<Source path=s.doc /></p>
                    <div class="tour-buttons">
                        <button type="button" data-testid="tour-back" disabled=move || step.get() == 0
                            on:click=move |_| go(step.get_untracked().saturating_sub(1))>"Back"</button>
                        {match s.wait {
                            Wait::Next => view! {
                                <button type="button" data-testid="tour-next" on:click=move |_| go(step.get_untracked() + 1)>"Next"</button>
                            }.into_any(),
                            _ => view! { <span class="tour-waiting">"Waiting for you…"</span> }.into_any(),
                        }}
                    </div>
                }.into_any(),
                None => view! {
                    <p class="tour-what" data-testid="tour">"Done. Every step above happened in this page, through the URL, one API and versioned events."</p>
                    <div class="tour-buttons">
                        <button type="button" on:click=move |_| show_sequence.run(())>"Show the last action"</button>
                        <button type="button" on:click=move |_| go(0)>"Start again"</button>
                    </div>
                }.into_any(),
            };
            view! {
                <section class="tour" aria-label=t.title() aria-live="polite">
                    <div class="tour-head">
                        <strong>{t.title()}</strong>
                        <button type="button" aria-label="End the tour" on:click=move |_| tour.set(None)>"×"</button>
                    </div>
                    {body}
                </section>
            }
        })}
    }
}

/// A path of the repository: a link when the build knows where the sources are browsed.
#[component]
fn Source(path: &'static str) -> impl IntoView {
    match SOURCE {
        Some(base) => view! { <a href=format!("{}/{path}", base.trim_end_matches('/')) target="_blank" rel="noopener"><code>{path}</code></a> }.into_any(),
        None => view! { <code>{path}</code> }.into_any(),
    }
}

fn location() -> (String, String) {
    let Some(location) = web_sys::window().map(|w| w.location()) else { return Default::default() };
    (location.pathname().unwrap_or_default(), location.search().unwrap_or_default())
}

/// Turns the boundary overlay on (or off) and marks the one part of the page the step is about.
fn highlight(on: bool, focus: Option<&str>) {
    let document = document();
    if let Some(root) = document.document_element() {
        let _ = if on { root.set_attribute("data-boundaries", "on") } else { root.remove_attribute("data-boundaries") };
    }
    while let Ok(Some(marked)) = document.query_selector("[data-tour-focus]") {
        let _ = marked.remove_attribute("data-tour-focus");
    }
    let selector = match focus {
        Some("shell") => "[data-testid=shell-header]".to_string(),
        Some(remote) => format!(".remote-slot[data-remote=\"{remote}\"]"),
        None => return,
    };
    if let Ok(Some(el)) = document.query_selector(&selector) {
        let _ = el.set_attribute("data-tour-focus", "");
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    #[wasm_bindgen_test]
    fn the_query_names_the_tour() {
        assert_eq!(Tour::from_query("?tour=add-to-cart"), Some(Tour::AddToCart));
        assert_eq!(Tour::from_query("?q=red&tour=search"), Some(Tour::Search));
        assert_eq!(Tour::from_query("?tour=nonsense"), None);
        assert_eq!(Tour::from_query(""), None);
    }

    #[wasm_bindgen_test]
    fn a_step_waits_for_what_the_scenario_needs() {
        assert!(!met(Wait::Next, "/", "", &[]));
        assert!(met(Wait::Path("/products/"), "/products/1", "", &[]));
        assert!(!met(Wait::Path("/products/"), "/", "", &[]));
        assert!(met(Wait::Query("q"), "/", "?q=tractor&tour=search", &[]));
        assert!(!met(Wait::Query("q"), "/", "?q=&tour=search", &[]), "an empty search is not one");
        assert!(met(Wait::QueryGone("sort"), "/", "?q=tractor", &[]));
        assert!(!met(Wait::QueryGone("sort"), "/", "?q=tractor&sort=price-asc", &[]));
    }

    #[wasm_bindgen_test]
    fn every_step_names_its_code_and_docs() {
        for tour in [Tour::AddToCart, Tour::Search] {
            for step in tour.steps() {
                assert!(step.file.contains('/') && step.doc.starts_with("docs/"), "{}", step.what);
            }
        }
    }
}

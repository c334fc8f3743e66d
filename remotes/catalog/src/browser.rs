//! What the views do to the page around them: follow the URL and the locale, load from the cart
//! API, navigate, publish events and leave performance marks.
//!
//! The same views render on the server (`crate::server`), where none of this exists: there they
//! render once from what the server half read, no handler is ever called, and so a native build
//! compiles these to nothing.

use contracts::api::{Category, ProductPage};
use contracts::events::EventContract;
use contracts::routes::CatalogQuery;
use leptos::prelude::*;

/// The listing's data as the views read it: the categories, and the product page with the query
/// it answers (`None` until the first answer; an error is the message to show).
#[derive(Clone, Copy)]
pub struct Data {
    pub categories: RwSignal<Option<Vec<Category>>>,
    pub products: RwSignal<Option<Result<ProductPage, String>>>,
    /// Bumped by "Try again": loads the current query once more.
    pub reload: RwSignal<u32>,
}

#[cfg(target_arch = "wasm32")]
mod live {
    use std::cell::Cell;

    use contracts::browser::load::{self, Newest};
    use contracts::browser::navigation::{current_path, current_search, navigate, on_locale_change, on_route_change};
    use send_wrapper::SendWrapper;

    use super::*;
    use crate::i18n::Lang;
    use crate::{api, PUBLISHER};

    /// Keeps `url` and `locale` in step with the platform's route and locale events for as long
    /// as the calling component lives.
    pub fn follow(url: RwSignal<(String, String)>, locale: RwSignal<String>) {
        let listeners = SendWrapper::new((
            on_route_change("catalog", move |route| url.set((route.path, route.search))),
            on_locale_change("catalog", move |tag| locale.set(Lang::of(&tag).tag().to_string())),
        ));
        on_cleanup(move || drop(listeners));
    }

    /// Loads what `query` needs whenever it changes (or "Try again" asks), except what the server
    /// already sent: `loaded` is the query the server-rendered page answers, if any.
    pub fn load(query: Memo<CatalogQuery>, data: Data, loaded: Option<CatalogQuery>) {
        if data.categories.get_untracked().is_none() {
            load::once(api::categories(), move |answer| data.categories.set(answer.ok()));
        }
        let loaded = SendWrapper::new(Cell::new(loaded));
        let newest = Newest::new();
        Effect::new(move |_| {
            let query = query.get();
            data.reload.track();
            if Cell::take(&loaded).as_ref() == Some(&query) {
                return;
            }
            newest.run(async move { api::products(&query).await.map_err(|e| e.to_string()) }, move |answer| {
                data.products.set(Some(answer))
            });
        });
    }

    /// Moves to `next` unless the browser already shows it: a second history entry for the same
    /// view would make Back look broken (a price field's `change` and the form's submit both ask).
    pub fn go(next: CatalogQuery) {
        if next != crate::filters::query_of(&current_path(), &current_search()) {
            navigate(PUBLISHER, &next.to_url(), false);
        }
    }

    pub fn publish<E: EventContract>(payload: E) {
        contracts::browser::events::publish(PUBLISHER, &contracts::browser::events::new_trace_id(), payload);
    }

    pub fn mark(name: &str) {
        contracts::browser::mark(name);
    }

    /// A reaction to signals, which only the browser has: the server renders once.
    pub fn effect(f: impl Fn() + 'static) {
        Effect::new(move |_| f());
    }
}

#[cfg(target_arch = "wasm32")]
pub use live::*;

#[cfg(not(target_arch = "wasm32"))]
mod inert {
    use super::*;

    pub fn follow(_url: RwSignal<(String, String)>, _locale: RwSignal<String>) {}
    pub fn load(_query: Memo<CatalogQuery>, _data: Data, _loaded: Option<CatalogQuery>) {}
    pub fn go(_next: CatalogQuery) {}
    pub fn publish<E: EventContract>(_payload: E) {}
    pub fn mark(_name: &str) {}
    pub fn effect(_f: impl Fn() + 'static) {}
}

#[cfg(not(target_arch = "wasm32"))]
pub use inert::*;

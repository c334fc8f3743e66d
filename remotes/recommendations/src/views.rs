//! The fragment's view, and the watch on its host's attributes (its inputs).

use contracts::api::Product;
use contracts::browser::events::{new_trace_id, publish};
use contracts::browser::load::Newest;
use contracts::events::CatalogProductClicked;
use contracts::format::money;
use contracts::inputs::{FragmentInputs, InputError, RecommendationsInputs};
use contracts::routes::product_path;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::prelude::*;

use crate::api;

/// The room the fragment keeps: as many cards as the API recommends at most.
const SHOWN: usize = contracts::api::RECOMMENDED;

type Inputs = Result<RecommendationsInputs, InputError>;

/// Keeps the host watched while the fragment is mounted; dropping it stops the watch.
pub struct Watch {
    observer: web_sys::MutationObserver,
    _callback: Closure<dyn FnMut()>,
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

/// The inputs the page wrote on `host`, as a signal that follows every change of them.
pub fn watch_inputs(host: &web_sys::HtmlElement) -> (RwSignal<Inputs>, Option<Watch>) {
    let read = {
        let host = host.clone();
        move || RecommendationsInputs::from_attributes(|name| host.get_attribute(name))
    };
    let inputs = RwSignal::new(read());
    let callback = Closure::<dyn FnMut()>::new(move || {
        let now = read();
        if inputs.with_untracked(|old| old != &now) {
            inputs.set(now);
        }
    });
    let Ok(observer) = web_sys::MutationObserver::new(callback.as_ref().unchecked_ref()) else { return (inputs, None) };
    let options = web_sys::MutationObserverInit::new();
    options.set_attributes(true);
    let watched = js_sys::Array::new();
    for (attribute, _) in RecommendationsInputs::ATTRIBUTES {
        watched.push(&JsValue::from_str(attribute));
    }
    watched.push(&JsValue::from_str(contracts::inputs::VERSION_ATTRIBUTE));
    options.set_attribute_filter(&watched);
    if observer.observe_with_options(host, &options).is_err() {
        return (inputs, None);
    }
    (inputs, Some(Watch { observer, _callback: callback }))
}

#[derive(Debug, Clone, PartialEq)]
enum Shown {
    Loading,
    /// The products, and the variant's name when they are in the same option.
    Ready(Vec<Product>, Option<String>),
    Failed(String),
}

#[component]
pub fn Recommendations(inputs: RwSignal<Inputs>, locale: String) -> impl IntoView {
    let locale = RwSignal::new(locale);
    let listener = contracts::browser::navigation::on_locale_change("recommendations", move |l| locale.set(l));
    let listener = SendWrapper::new(listener);
    on_cleanup(move || drop(listener));

    let shown = RwSignal::new(Shown::Loading);
    // A later change of inputs wins over an answer still on its way for an earlier one.
    let newest = Newest::new();
    Effect::new(move |_| match inputs.get() {
        Err(e) => {
            newest.forget();
            web_sys::console::warn_1(&format!("[recommendations] ignoring the host's inputs: {e}").into());
            shown.set(Shown::Failed(e.to_string()));
        }
        Ok(wanted) => newest.run(async move { api::recommendations(&wanted).await }, move |answer| {
            shown.set(match answer {
                Ok(r) => Shown::Ready(r.items, r.option),
                Err(e) => Shown::Failed(e.to_string()),
            })
        }),
    });

    let heading = move || match shown.with(|s| match s {
        Shown::Ready(_, option) => option.clone(),
        _ => None,
    }) {
        Some(option) => text(&locale.get(), Key::AlsoIn).replace("{}", &option),
        None => text(&locale.get(), Key::MayAlsoLike).to_string(),
    };
    view! {
        <section class="rec" aria-labelledby="rec-heading" aria-busy=move || (shown.get() == Shown::Loading).to_string()>
            <h2 id="rec-heading" class="rec-heading">{heading}</h2>
            {move || match shown.get() {
                Shown::Loading => view! { <ul class="rec-list" aria-hidden="true">{(0..SHOWN).map(|_| view! { <li class="rec-card rec-placeholder"></li> }).collect_view()}</ul> }.into_any(),
                Shown::Ready(products, _) => view! {
                    <ul class="rec-list" data-testid="recommendations">
                        {products.into_iter().enumerate().map(|(i, p)| card(p, i as u32 + 1, locale)).collect_view()}
                    </ul>
                }.into_any(),
                Shown::Failed(reason) => view! {
                    <p class="rec-unavailable" data-testid="recommendations-unavailable" title=reason>{move || text(&locale.get(), Key::Unavailable)}</p>
                }.into_any(),
            }}
        </section>
    }
}

fn card(product: Product, position: u32, locale: RwSignal<String>) -> impl IntoView {
    let product_id = product.id;
    // The shell's router follows the link; this only reports the click.
    let clicked = move |_| publish(crate::PUBLISHER, &new_trace_id(), CatalogProductClicked { product_id, position });
    let image = product.images.first().cloned().unwrap_or_default();
    let price = product.price.clone();
    view! {
        <li class="rec-card">
            <a href=product_path(product.id, None) on:click=clicked data-product=product.id.to_string()>
                <img src=image alt="" width="150" height="130" loading="lazy" />
                <span class="rec-name">{product.name}</span>
                <span class="rec-price">{move || money(&price, &locale.get())}</span>
            </a>
        </li>
    }
}

#[derive(Debug, Clone, Copy)]
enum Key {
    MayAlsoLike,
    AlsoIn,
    Unavailable,
}

fn text(locale: &str, key: Key) -> &'static str {
    let german = locale.starts_with("de");
    match (key, german) {
        (Key::MayAlsoLike, false) => "You may also like",
        (Key::MayAlsoLike, true) => "Das könnte Ihnen auch gefallen",
        (Key::AlsoIn, false) => "Also in {}",
        (Key::AlsoIn, true) => "Auch in {}",
        (Key::Unavailable, false) => "Recommendations are unavailable right now.",
        (Key::Unavailable, true) => "Empfehlungen sind gerade nicht verfügbar.",
    }
}

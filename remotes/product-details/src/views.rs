//! One product: picture, price, variant choice (in the URL), quantity and Add to cart, and the
//! products this browser viewed before it.
//!
//! The same components render in the browser and on the server (`crate::server`); what differs
//! is only where their data comes from, see [`Shown`] and `crate::browser`.

use contracts::api::{AddCartItem, Product};
use contracts::context::MountContext;
use contracts::format::money as format_money;
use contracts::routes::{parse_product_path, product_path, query_param, FormProblem, ADD_TO_CART_FORM};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::browser::{self, Adding, Answer, Data};
use crate::i18n::{self, t, Key, Lang};

/// What the page shows for one URL: its path and query, and what the API answered for its
/// product, if it was asked. The server half fills it in and embeds it in its fragment, so the
/// browser half starts from the same product and renders the same markup without asking again.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Shown {
    pub path: String,
    pub search: String,
    pub product: Option<Product>,
    /// The API said there is no such product.
    pub missing: bool,
    /// The idempotency key of the page's Add to cart form, for a browser without JavaScript
    /// (which posts the form): a form sent twice adds once. Made by the server half.
    #[serde(default)]
    pub form_key: String,
}

impl Shown {
    fn answer(&self) -> Option<Answer> {
        match (&self.product, self.missing) {
            (Some(product), _) => Some(Answer::Found(product.clone())),
            (None, true) => Some(Answer::Missing),
            (None, false) => None,
        }
    }
}

#[component]
pub fn ProductDetails(context: MountContext, shown: Shown) -> impl IntoView {
    let url = RwSignal::new((shown.path.clone(), shown.search.clone()));
    let locale = RwSignal::new(Lang::of(&context.locale).tag().to_string());
    browser::follow(url, locale);
    let text = move |key| t(&locale.get(), key);

    let id = Memo::new(move |_| url.with(|(path, _)| parse_product_path(path)));
    let wanted_variant = Memo::new(move |_| url.with(|(_, search)| query_param(search, "variant")));
    // Why the form the visitor sent without JavaScript came back (see `ADD_TO_CART_FORM`).
    let problem = Memo::new(move |_| url.with(|(_, search)| FormProblem::in_search(search)));
    let form_key = shown.form_key.clone();
    let answer = shown.answer();
    let loaded = answer.is_some().then(|| parse_product_path(&shown.path));
    let data = Data { product: RwSignal::new(answer), recent: RwSignal::new(Vec::new()), reload: RwSignal::new(0) };
    browser::load(id, data, loaded);

    view! {
        <div class="pd">
            {move || match data.product.get() {
                None => view! { <p class="pd-status">{move || text(Key::Loading)}</p> }.into_any(),
                Some(Answer::Found(p)) => view! { <Details product=p wanted_variant problem form_key=form_key.clone() locale /> }.into_any(),
                Some(Answer::Missing) => not_found(locale).into_any(),
                Some(Answer::Failed(error)) => view! {
                    <div class="pd-error" role="alert">
                        <p>{move || text(Key::LoadFailed)} " " {error}</p>
                        <button type="button" on:click=move |_| data.reload.update(|n| *n += 1)>{move || text(Key::TryAgain)}</button>
                    </div>
                }.into_any(),
            }}
            {move || data.recent.with(|ps| !ps.is_empty()).then(|| recent_strip(data.recent.get(), locale))}
        </div>
    }
}

fn not_found(locale: RwSignal<String>) -> impl IntoView {
    let text = move |key| t(&locale.get(), key);
    view! {
        <section class="pd-not-found" data-testid="product-not-found">
            <h1>{move || text(Key::NotFoundTitle)}</h1>
            <p>{move || text(Key::NotFoundText)}</p>
            <a href="/">{move || text(Key::BrowseAll)}</a>
        </section>
    }
}

fn recent_strip(products: Vec<Product>, locale: RwSignal<String>) -> impl IntoView {
    view! {
        <section class="pd-recent" data-testid="recently-viewed" aria-labelledby="pd-recent-title">
            <h2 id="pd-recent-title">{move || t(&locale.get(), Key::RecentlyViewed)}</h2>
            <ul class="pd-recent-list">
                {products.into_iter().map(|p| {
                    let price = p.price.clone();
                    view! {
                        <li>
                            <a class="pd-recent-item" data-testid="recently-viewed-item" href=product_path(p.id, None)>
                                <img src=p.images.first().cloned().unwrap_or_default() alt="" width="150" height="130" loading="lazy" />
                                <span class="pd-recent-name">{p.name}</span>
                                <span class="pd-recent-price">{move || format_money(&price, &locale.get())}</span>
                            </a>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn Details(
    product: Product,
    wanted_variant: Memo<Option<String>>,
    problem: Memo<Option<FormProblem>>,
    form_key: String,
    locale: RwSignal<String>,
) -> impl IntoView {
    let text = move |key| t(&locale.get(), key);
    let product = StoredValue::new(product);
    // The URL's variant if it exists, else the first one in stock, else the first.
    let variant = Memo::new(move |_| {
        product.with_value(|p| {
            wanted_variant
                .get()
                .and_then(|id| p.variant(&id).cloned())
                .or_else(|| p.variants.iter().find(|v| v.stock > 0).cloned())
                .or_else(|| p.variants.first().cloned())
        })
    });
    let quantity = RwSignal::new(1u32);
    let adding = Adding { busy: RwSignal::new(false), error: RwSignal::new(None) };
    let stock = move || variant.get().map(|v| v.stock).unwrap_or(0);
    let max_quantity = move || stock().clamp(1, 99);
    let sold_out = move || stock() == 0;

    let choose = move |variant_id: String| {
        let id = product.with_value(|p| p.id);
        quantity.set(1);
        adding.error.set(None);
        // Replace, not push: trying colours should not fill the Back button.
        browser::navigate(&product_path(id, Some(&variant_id)), true);
    };

    // With JavaScript the form never leaves the page: the remote adds through the API.
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(v) = variant.get_untracked() else { return };
        // The button is disabled then; a click that still arrives (e.g. scripted) changes nothing.
        if v.stock == 0 || adding.busy.get_untracked() {
            return;
        }
        let item = AddCartItem {
            product_id: product.with_value(|p| p.id),
            variant_id: Some(v.id),
            quantity: quantity.get_untracked().clamp(1, v.stock.min(99)),
        };
        let name = product.with_value(|p| p.name.clone());
        browser::add_to_cart(item, i18n::added(&locale.get_untracked(), &name), adding);
    };

    let (name, description, price, image, variants, multi) = product.with_value(|p| {
        (
            p.name.clone(),
            p.description.clone(),
            p.price.clone(),
            p.images.first().cloned().unwrap_or_default(),
            p.variants.clone(),
            p.variants.len() > 1,
        )
    });
    let alt = {
        let name = name.clone();
        move || match (multi, variant.get()) {
            (true, Some(v)) => format!("{name} – {}", v.name),
            _ => name.clone(),
        }
    };

    let id = product.with_value(|p| p.id);
    browser::mark("product-details:ready");
    view! {
        <article class="pd-product">
            <img class="pd-image" src=image alt=alt width="600" height="520" />
            <div class="pd-info">
                <h1>{name}</h1>
                <p class="pd-price" data-testid="product-price">{move || format_money(&price, &locale.get())}</p>
                <p class="pd-description">{description}</p>
                {multi.then(|| view! {
                    // Without JavaScript a variant is a GET of this page with `?variant=`.
                    <form class="pd-variants-form" method="get" action=product_path(id, None)>
                    <fieldset class="pd-variants">
                        <legend>{move || text(Key::Option)}</legend>
                        {variants.into_iter().map(|v| {
                            let id = v.id.clone();
                            let selected = {
                                let id = id.clone();
                                move || variant.with(|cur| cur.as_ref().is_some_and(|c| c.id == id))
                            };
                            let label = {
                                let (name, stock) = (v.name.clone(), v.stock);
                                move || if stock == 0 { format!("{name} ({})", text(Key::SoldOut)) } else { name.clone() }
                            };
                            view! {
                                <button type="submit" name="variant" value=v.id.clone() class="pd-variant"
                                    aria-pressed=move || selected().to_string() data-variant=v.id.clone()
                                    on:click=move |ev| { ev.prevent_default(); choose(id.clone()) }>{label}</button>
                            }
                        }).collect_view()}
                    </fieldset>
                    </form>
                })}
                <p class="pd-stock" data-testid="product-stock">
                    {move || match stock() {
                        0 => text(Key::OutOfStock).to_string(),
                        n if n < 5 => i18n::only_left(&locale.get(), n),
                        _ => text(Key::InStock).to_string(),
                    }}
                </p>
                <form class="pd-buy" method="post" action=ADD_TO_CART_FORM on:submit=add>
                    <input type="hidden" name="product_id" value=id.to_string() />
                    <input type="hidden" name="variant_id" value=move || variant.get().map(|v| v.id).unwrap_or_default() />
                    <input type="hidden" name="idempotency_key" value=form_key />
                    <div class="pd-quantity">
                    <label for="pd-quantity">{move || text(Key::Quantity)}</label>
                    <input id="pd-quantity" type="number" name="quantity" data-testid="quantity" inputmode="numeric"
                        min="1" max=move || max_quantity().to_string() disabled=sold_out
                        value=move || quantity.get().to_string() prop:value=move || quantity.get().to_string()
                        on:change=move |ev| {
                            // Whatever was typed ends up a whole number the stock allows.
                            let n = event_target_value(&ev).trim().parse::<u32>().unwrap_or(1);
                            let n = n.clamp(1, max_quantity());
                            quantity.set(n);
                            browser::show_value(&ev, &n.to_string());
                        } />
                    </div>
                    <button type="submit" class="pd-add" data-testid="add-to-cart"
                        aria-describedby=move || sold_out().then_some("pd-add-reason")
                        disabled=move || adding.busy.get() || sold_out()>
                        {move || text(if adding.busy.get() { Key::Adding } else { Key::AddToCart })}
                    </button>
                </form>
                {move || sold_out().then(|| view! {
                    <p id="pd-add-reason" class="pd-reason" data-testid="add-disabled-reason">{move || text(Key::SoldOutReason)}</p>
                })}
                {move || adding.error.get().or_else(|| problem.get().map(|p| i18n::problem(&locale.get(), p).to_string()))
                    .map(|e| view! { <p class="pd-error" role="alert" data-testid="add-problem">{e}</p> })}
            </div>
        </article>
        <Recommendations product=id variant=Signal::derive(move || variant.get().filter(|_| multi).map(|v| v.id)) />
    }
}

/// The catalog team's recommendations, placed here (parent-to-child): an element whose
/// attributes are the fragment's inputs, written from their contract; the shell mounts the
/// fragment into it. A new variant changes the attributes, and the fragment follows.
#[component]
fn Recommendations(product: u32, variant: Signal<Option<String>>) -> impl IntoView {
    let host = NodeRef::<leptos::html::Div>::new();
    // The server renders the element empty: the fragment goes into the browser half's copy.
    #[cfg(not(target_arch = "wasm32"))]
    let _ = (product, variant);
    #[cfg(target_arch = "wasm32")]
    Effect::new(move |_| {
        use contracts::inputs::{FragmentInputs, RecommendationsInputs};
        let inputs = RecommendationsInputs { product, variant: variant.get() };
        let Some(host) = host.get() else { return };
        for (attribute, _) in RecommendationsInputs::ATTRIBUTES {
            let _ = host.remove_attribute(attribute);
        }
        for (attribute, value) in inputs.attributes() {
            let _ = host.set_attribute(attribute, &value);
        }
    });
    view! { <div class="pd-recommendations" node_ref=host></div> }
}

//! The listing: category navigation, search, sort, filters, the product grid and pagination.
//!
//! The same components render in the browser and on the server (`crate::server`); what differs
//! is only where their data comes from, see [`Listing`] and `crate::browser`.

use contracts::api::{Category, Money, Product, ProductPage};
use contracts::context::MountContext;
use contracts::events::{CatalogProductClicked, SearchSubmitted};
use contracts::format::money as format_money;
use contracts::routes::{product_path, CatalogQuery};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::browser::{self, go, Data};
use crate::filters::{format_major, parse_major, query_of, variant_value, CURRENCY, MAX_FIELD, MIN_FIELD, VARIANTS};
use crate::i18n::{self, t, Key, Lang};

const SORTS: [(&str, Key); 5] = [
    ("", Key::SortFeatured),
    ("price-asc", Key::SortPriceAsc),
    ("price-desc", Key::SortPriceDesc),
    ("name", Key::SortName),
    ("newest", Key::SortNewest),
];

/// What the listing shows for one URL: its path and query, and what the API answered for it so
/// far. The server half fills it in and embeds it in its fragment, so the browser half starts
/// from the same data and renders the same markup without asking again.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Listing {
    pub path: String,
    pub search: String,
    pub categories: Option<Vec<Category>>,
    pub products: Option<ProductPage>,
}

#[component]
pub fn Catalog(context: MountContext, listing: Listing) -> impl IntoView {
    let url = RwSignal::new((listing.path.clone(), listing.search.clone()));
    let locale = RwSignal::new(Lang::of(&context.locale).tag().to_string());
    browser::follow(url, locale);

    let query = Memo::new(move |_| url.with(|(path, search)| query_of(path, search)));
    let loaded = listing.products.is_some().then(|| query_of(&listing.path, &listing.search));
    let data = Data {
        categories: RwSignal::new(listing.categories),
        products: RwSignal::new(listing.products.map(Ok)),
        reload: RwSignal::new(0),
    };
    browser::load(query, data, loaded);
    let text = move |key| t(&locale.get(), key);

    let title = move || {
        let q = query.get();
        match (&q.category, &q.q) {
            (Some(slug), _) => data
                .categories
                .with(|cs| cs.as_ref().and_then(|cs| cs.iter().find(|c| &c.slug == slug).map(|c| c.name.clone())))
                .unwrap_or_else(|| slug.clone()),
            (None, Some(search)) => i18n::results_for(&locale.get(), search),
            (None, None) => text(Key::AllProducts).to_string(),
        }
    };

    view! {
        <div class="catalog">
            <nav class="catalog-categories" aria-label=move || text(Key::Categories)>
                <a href="/" aria-current=move || query.with(|q| q.category.is_none()).then_some("page")>{move || text(Key::AllProducts)}</a>
                {move || data.categories.get().map(|cs| category_links(cs, query))}
            </nav>
            <div class="catalog-results">
                <h1 class="catalog-title">{title}</h1>
                <Toolbar query locale />
                <Filters query locale />
                {move || match data.products.get() {
                    None => view! { <p class="catalog-status">{move || text(Key::Loading)}</p> }.into_any(),
                    Some(Ok(page)) => results(page, query.get(), locale).into_any(),
                    Some(Err(error)) => view! {
                        <div class="catalog-error" role="alert">
                            <p>{move || text(Key::LoadFailed)} " " {error}</p>
                            <button type="button" on:click=move |_| data.reload.update(|n| *n += 1)>{move || text(Key::TryAgain)}</button>
                        </div>
                    }.into_any(),
                }}
            </div>
        </div>
    }
}

fn category_links(categories: Vec<Category>, query: Memo<CatalogQuery>) -> impl IntoView {
    categories
        .into_iter()
        .map(|c| {
            let href = CatalogQuery { category: Some(c.slug.clone()), ..Default::default() }.to_url();
            let slug = c.slug.clone();
            let current = move || query.with(|q| q.category.as_deref() == Some(slug.as_str())).then_some("page");
            view! { <a href=href aria-current=current>{c.name}</a> }
        })
        .collect_view()
}

/// Search and sort. Each change is a navigation: the URL is the state.
#[component]
fn Toolbar(query: Memo<CatalogQuery>, locale: RwSignal<String>) -> impl IntoView {
    let text = move |key| t(&locale.get(), key);
    let search_input = NodeRef::<leptos::html::Input>::new();
    let on_search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = search_input.get().map(|i| i.value()).unwrap_or_default();
        let text = text.trim();
        if !text.is_empty() {
            browser::publish(SearchSubmitted { query: text.chars().take(100).collect() });
        }
        go(CatalogQuery { q: (!text.is_empty()).then(|| text.to_string()), page: None, ..query.get_untracked() });
    };
    // Attributes for the server's markup (and a page without JavaScript), properties for the
    // browser: once the visitor has typed or picked, only the property counts.
    let sorted = move |value: &'static str| move || query.with(|q| q.sort.as_deref().unwrap_or("") == value);
    let search_text = move || query.with(|q| q.q.clone().unwrap_or_default());
    let on_sort = move |ev: leptos::ev::Event| {
        let sort = event_target_value(&ev);
        go(CatalogQuery { sort: (!sort.is_empty()).then_some(sort), page: None, ..query.get_untracked() });
    };

    // Without JavaScript both are GET forms: the search keeps the category and the sort, the sort
    // keeps everything else, as the remote's own navigation does.
    let search_action =
        move || query.with(|q| CatalogQuery { category: q.category.clone(), ..Default::default() }.to_url());
    let search_action = move || match search_action().as_str() {
        "/" => "/search".to_string(),
        other => other.to_string(),
    };
    let sort_action = move || query.with(|q| CatalogQuery { sort: None, page: None, ..q.clone() }.to_url());
    view! {
        <div class="catalog-toolbar">
            <form class="catalog-search" role="search" method="get" action=search_action on:submit=on_search>
                {move || query.with(|q| hidden("sort", q.sort.clone()))}
                <label for="catalog-q" class="catalog-visually-hidden">{move || text(Key::SearchLabel)}</label>
                <input id="catalog-q" name="q" type="search" placeholder=move || text(Key::SearchLabel) data-testid="search-input"
                    node_ref=search_input value=search_text prop:value=search_text />
                <button type="submit">{move || text(Key::SearchButton)}</button>
            </form>
            <form class="catalog-sort-form" method="get" action=sort_action on:submit=|ev: leptos::ev::SubmitEvent| ev.prevent_default()>
            {move || sort_action().split_once('?').map(|(_, search)| hidden_fields(search)).unwrap_or_default()}
            <label class="catalog-sort" for="catalog-sort">{move || text(Key::SortLabel)}</label>
            <select id="catalog-sort" name="sort" data-testid="sort-select" on:change=on_sort>
                {SORTS.into_iter().map(|(value, key)| view! {
                    // A property, not the attribute: the attribute stops counting once the
                    // visitor has picked an option, and Back must still show the URL's sort.
                    <option value=value selected=sorted(value) prop:selected=sorted(value)>
                        {move || text(key)}
                    </option>
                }).collect_view()}
            </select>
            // A select changes nothing without JavaScript: then this button sends the form.
            <noscript><button type="submit" data-testid="sort-submit">{move || text(Key::Apply)}</button></noscript>
            </form>
        </div>
    }
}

/// A hidden field carrying `value` along with a form, when there is one.
fn hidden(name: &'static str, value: Option<String>) -> Option<impl IntoView> {
    value.map(|value| view! { <input type="hidden" name=name value=value /> })
}

/// Hidden fields for each pair of a query string, so a GET form keeps the rest of the URL.
fn hidden_fields(search: &str) -> Vec<AnyView> {
    search
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .filter_map(|(name, value)| Some((name.to_string(), contracts::routes::decode_component(value)?)))
        .map(|(name, value)| view! { <input type="hidden" name=name value=value /> }.into_any())
        .collect()
}

/// Price range, variant and stock. Every change navigates; the fields show what the URL says.
#[component]
fn Filters(query: Memo<CatalogQuery>, locale: RwSignal<String>) -> impl IntoView {
    let text = move |key| t(&locale.get(), key);
    let exponent = Money::new(0, CURRENCY).exponent();
    let min_input = NodeRef::<leptos::html::Input>::new();
    let max_input = NodeRef::<leptos::html::Input>::new();
    let problem = RwSignal::new(None::<Key>);
    // A new URL (a filter applied, Back, Forward) shows its own values, without the old complaint.
    browser::effect(move || {
        query.track();
        problem.set(None);
    });

    let apply_prices = move || {
        let read = |input: NodeRef<leptos::html::Input>| input.get_untracked().map(|i| i.value()).unwrap_or_default();
        let (Ok(min), Ok(max)) = (parse_major(&read(min_input), exponent), parse_major(&read(max_input), exponent))
        else {
            problem.set(Some(Key::PriceInvalid));
            return;
        };
        if let (Some(min), Some(max)) = (min, max) {
            if min > max {
                problem.set(Some(Key::PriceRangeInvalid));
                return;
            }
        }
        problem.set(None);
        go(CatalogQuery { min_price: min, max_price: max, page: None, ..query.get_untracked() });
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        apply_prices();
    };
    let on_variant = move |ev: leptos::ev::Event| {
        let variant = event_target_value(&ev);
        go(CatalogQuery { variant: (!variant.is_empty()).then_some(variant), page: None, ..query.get_untracked() });
    };
    let on_stock = move |ev: leptos::ev::Event| {
        go(CatalogQuery { in_stock: event_target_checked(&ev), page: None, ..query.get_untracked() });
    };
    let clear = move |_| {
        let q = query.get_untracked();
        go(CatalogQuery { category: q.category, q: q.q, sort: q.sort, ..Default::default() });
    };
    let filtered =
        move || query.with(|q| q.min_price.is_some() || q.max_price.is_some() || q.variant.is_some() || q.in_stock);
    // One memo per bound: a field is only rewritten when its own value in the URL changes, not
    // while the visitor is still typing in it and another filter moves the URL.
    let price_value = move |pick: fn(&CatalogQuery) -> Option<i64>| {
        let bound = Memo::new(move |_| query.with(pick));
        move || bound.get().map(|minor| format_major(minor, exponent)).unwrap_or_default()
    };
    let invalid = move || problem.get().is_some().then_some("true");
    let step = if exponent == 0 { "1".to_string() } else { format!("0.{}1", "0".repeat(exponent as usize - 1)) };
    let no_variant = move || query.with(|q| q.variant.is_none());
    let variant_is = move |name: &'static str| {
        move || query.with(|q| q.variant.as_deref().is_some_and(|v| v.eq_ignore_ascii_case(name)))
    };
    let in_stock = move || query.with(|q| q.in_stock);
    // A variant in the URL that the list does not name still shows as chosen.
    let other_variant = move || {
        query
            .with(|q| q.variant.clone())
            .filter(|v| !VARIANTS.iter().any(|name| name.eq_ignore_ascii_case(v)))
            .map(|v| view! { <option value=v.clone() selected=true prop:selected=true>{v.clone()}</option> })
    };

    // A disclosure: on a phone the filters stay folded under their button, so the first screen
    // shows products; on a wide screen the button is not shown and the filters always are
    // (style.css). Not <details>: a closed one hides its fields from a wide screen too.
    let open = RwSignal::new(false);
    view! {
        <div class="catalog-filter-panel" class:catalog-filter-open=move || open.get()>
        <button type="button" class="catalog-filter-summary" aria-controls="catalog-filters"
            aria-expanded=move || open.get().to_string() on:click=move |_| open.update(|o| *o = !*o)>
            {move || text(Key::Filters)}
        </button>
        <form id="catalog-filters" class="catalog-filters" aria-label=move || text(Key::Filters)
            method="get" action=move || query.with(|q| CatalogQuery { category: q.category.clone(), ..Default::default() }.to_url())
            on:submit=on_submit novalidate=true>
            {move || query.with(|q| (hidden("q", q.q.clone()), hidden("sort", q.sort.clone())))}
            <div class="catalog-field">
                <label for="catalog-min-price">{move || text(Key::MinPrice)} " (" {CURRENCY} ")"</label>
                <input id="catalog-min-price" name=MIN_FIELD type="number" inputmode="decimal" min="0" step=step.clone()
                    data-testid="filter-min-price" node_ref=min_input aria-invalid=invalid
                    aria-describedby="catalog-filter-problem"
                    value=price_value(|q| q.min_price) prop:value=price_value(|q| q.min_price) on:change=move |_| apply_prices() />
            </div>
            <div class="catalog-field">
                <label for="catalog-max-price">{move || text(Key::MaxPrice)} " (" {CURRENCY} ")"</label>
                <input id="catalog-max-price" name=MAX_FIELD type="number" inputmode="decimal" min="0" step=step
                    data-testid="filter-max-price" node_ref=max_input aria-invalid=invalid
                    aria-describedby="catalog-filter-problem"
                    value=price_value(|q| q.max_price) prop:value=price_value(|q| q.max_price) on:change=move |_| apply_prices() />
            </div>
            <div class="catalog-field">
                <label for="catalog-variant">{move || text(Key::VariantLabel)}</label>
                <select id="catalog-variant" name="variant" data-testid="filter-variant" on:change=on_variant>
                    <option value="" selected=no_variant prop:selected=no_variant>{move || text(Key::AnyVariant)}</option>
                    {VARIANTS.into_iter().map(|name| view! {
                        <option value=variant_value(name)
                            selected=variant_is(name) prop:selected=variant_is(name)>
                            {name}
                        </option>
                    }).collect_view()}
                    {other_variant}
                </select>
            </div>
            <label class="catalog-filter">
                <input type="checkbox" name="inStock" value="true" data-testid="filter-in-stock"
                    checked=in_stock prop:checked=in_stock on:change=on_stock />
                " " {move || text(Key::InStockOnly)}
            </label>
            <button type="submit">{move || text(Key::Apply)}</button>
            <button type="button" class="catalog-clear" data-testid="clear-filters"
                disabled=move || !filtered() on:click=clear>{move || text(Key::ClearFilters)}</button>
            <p id="catalog-filter-problem" class="catalog-problem" role="alert" data-testid="filter-problem">
                {move || problem.get().map(text)}
            </p>
        </form>
        </div>
    }
}

fn results(page: ProductPage, query: CatalogQuery, locale: RwSignal<String>) -> impl IntoView {
    let text = move |key| t(&locale.get(), key);
    let pages = page.total.div_ceil(page.page_size).max(1);
    let (current, total) = (page.page, page.total);
    let count = move || i18n::result_count(&locale.get(), total);
    if page.items.is_empty() {
        return view! {
            <p class="catalog-count" data-testid="result-count" role="status">{count}</p>
            <p class="catalog-status" data-testid="catalog-empty">{move || text(Key::NoMatch)}</p>
        }
        .into_any();
    }
    browser::mark("catalog:grid-rendered");
    view! {
        <p class="catalog-count" data-testid="result-count" role="status">{count}</p>
        <ul class="catalog-grid">
            {page.items.into_iter().enumerate().map(|(i, p)| card(p, (page.page - 1) * page.page_size + i as u32 + 1, locale)).collect_view()}
        </ul>
        <nav class="catalog-pages" aria-label=move || text(Key::Pages)>
            {(current > 1).then(|| view! {
                <a rel="prev" data-testid="prev-page" href=query.with_page(current - 1).to_url()>{move || text(Key::Previous)}</a>
            })}
            <span>{move || i18n::page_of(&locale.get(), current, pages)}</span>
            {(current < pages).then(|| view! {
                <a rel="next" data-testid="next-page" href=query.with_page(current + 1).to_url()>{move || text(Key::Next)}</a>
            })}
        </nav>
    }
    .into_any()
}

fn card(product: Product, position: u32, locale: RwSignal<String>) -> impl IntoView {
    let href = product_path(product.id, None);
    let product_id = product.id;
    // The shell's router follows the link; this only reports the click.
    let clicked = move |_| browser::publish(CatalogProductClicked { product_id, position });
    let price = product.price.clone();
    let image = product.images.first().cloned().unwrap_or_default();
    let in_stock = product.variants.iter().any(|v| v.stock > 0);
    let options = product.variants.len();
    // The first row is on the first screen (it is the page's largest paint): fetched at once,
    // the very first before anything else; the rest only when scrolled near.
    let loading = if position <= 4 { "eager" } else { "lazy" };
    let priority = (position == 1).then_some("high");
    let meta = move || {
        let locale = locale.get();
        let stock = t(&locale, if in_stock { Key::InStock } else { Key::OutOfStock });
        if options > 1 {
            format!("{stock} · {}", i18n::options(&locale, options))
        } else {
            stock.to_string()
        }
    };
    view! {
        <li class="catalog-card" data-testid="product-card">
            <a class="catalog-card-link" href=href on:click=clicked>
                <img src=image alt="" width="300" height="260" loading=loading fetchpriority=priority />
                <span class="catalog-card-name">{product.name}</span>
            </a>
            <p class="catalog-card-price" data-testid="product-price">{move || format_money(&price, &locale.get())}</p>
            <p class="catalog-card-meta">{meta}</p>
        </li>
    }
}

//! The listing: category navigation, search, sort, filters, the product grid and pagination.

use contracts::api::{Category, Product, ProductPage};
use contracts::browser::navigation::{current_path, current_search, navigate, on_route_change};
use contracts::browser::events::{new_trace_id, publish};
use contracts::browser::format_money;
use contracts::context::MountContext;
use contracts::events::{CatalogProductClicked, SearchSubmitted};
use contracts::routes::{product_path, CatalogQuery};
use leptos::prelude::*;
use send_wrapper::SendWrapper;

use crate::{api, PUBLISHER};

const SORTS: [(&str, &str); 5] = [
    ("", "Featured"),
    ("price-asc", "Price: low to high"),
    ("price-desc", "Price: high to low"),
    ("name", "Name"),
    ("newest", "Newest"),
];

#[component]
pub fn Catalog(context: MountContext) -> impl IntoView {
    let url = RwSignal::new((current_path(), current_search()));
    let listener = SendWrapper::new(on_route_change("catalog", move |route| url.set((route.path, route.search))));
    on_cleanup(move || drop(listener));

    let query = Memo::new(move |_| url.with(|(path, search)| CatalogQuery::from_url(path, search)));
    let categories = LocalResource::new(api::categories);
    let products = LocalResource::new(move || {
        let query = query.get();
        async move { api::products(&query).await }
    });
    let go = move |next: CatalogQuery| navigate(PUBLISHER, &next.to_url(), false);
    let locale = StoredValue::new(context.locale);

    let title = move || {
        let q = query.get();
        match (&q.category, &q.q) {
            (Some(slug), _) => categories
                .get()
                .and_then(|r| r.ok())
                .and_then(|cs| cs.into_iter().find(|c| &c.slug == slug).map(|c| c.name))
                .unwrap_or_else(|| slug.clone()),
            (None, Some(text)) => format!("Results for “{text}”"),
            (None, None) => "All products".to_string(),
        }
    };

    view! {
        <div class="catalog">
            <nav class="catalog-categories" aria-label="Categories">
                <a href="/" aria-current=move || query.with(|q| q.category.is_none()).then_some("page")>"All products"</a>
                {move || categories.get().and_then(|r| r.ok()).map(|cs| category_links(cs, query))}
            </nav>
            <div class="catalog-results">
                <h1 class="catalog-title">{title}</h1>
                <Toolbar query go />
                <Transition fallback=|| view! { <p class="catalog-status">"Loading products…"</p> }>
                    {move || products.get().map(|result| match result {
                        Ok(page) => results(page, query.get(), locale.get_value()).into_any(),
                        Err(error) => view! {
                            <div class="catalog-error" role="alert">
                                <p>"The products could not be loaded: " {error.to_string()}</p>
                                <button type="button" on:click=move |_| products.refetch()>"Try again"</button>
                            </div>
                        }.into_any(),
                    })}
                </Transition>
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

/// Search, sort and the in-stock filter. Each change is a navigation: the URL is the state.
#[component]
fn Toolbar(query: Memo<CatalogQuery>, go: impl Fn(CatalogQuery) + Copy + Send + Sync + 'static) -> impl IntoView {
    let search_input = NodeRef::<leptos::html::Input>::new();
    let on_search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = search_input.get().map(|i| i.value()).unwrap_or_default();
        let text = text.trim();
        if !text.is_empty() {
            publish(PUBLISHER, &new_trace_id(), SearchSubmitted { query: text.chars().take(100).collect() });
        }
        go(CatalogQuery { q: (!text.is_empty()).then(|| text.to_string()), page: None, ..query.get_untracked() });
    };
    let on_sort = move |ev: leptos::ev::Event| {
        let sort = event_target_value(&ev);
        go(CatalogQuery { sort: (!sort.is_empty()).then_some(sort), page: None, ..query.get_untracked() });
    };
    let on_stock = move |ev: leptos::ev::Event| {
        go(CatalogQuery { in_stock: event_target_checked(&ev), page: None, ..query.get_untracked() });
    };

    view! {
        <div class="catalog-toolbar">
            <form class="catalog-search" role="search" on:submit=on_search>
                <label for="catalog-q" class="catalog-visually-hidden">"Search products"</label>
                <input id="catalog-q" name="q" type="search" placeholder="Search products"
                    node_ref=search_input prop:value=move || query.with(|q| q.q.clone().unwrap_or_default()) />
                <button type="submit">"Search"</button>
            </form>
            <label class="catalog-sort">
                "Sort "
                <select name="sort" on:change=on_sort>
                    {SORTS.into_iter().map(|(value, label)| view! {
                        <option value=value selected=move || query.with(|q| q.sort.as_deref().unwrap_or("") == value)>{label}</option>
                    }).collect_view()}
                </select>
            </label>
            <label class="catalog-filter">
                <input type="checkbox" name="inStock" prop:checked=move || query.with(|q| q.in_stock) on:change=on_stock />
                " In stock only"
            </label>
        </div>
    }
}

fn results(page: ProductPage, query: CatalogQuery, locale: String) -> impl IntoView {
    let pages = page.total.div_ceil(page.page_size).max(1);
    let current = page.page;
    let summary = format!("{} products", page.total);
    if page.items.is_empty() {
        return view! {
            <p class="catalog-status" data-testid="catalog-empty">"No products match. Try another search or filter."</p>
        }
        .into_any();
    }
    contracts::browser::mark("catalog:grid-rendered");
    view! {
        <p class="catalog-count">{summary}</p>
        <ul class="catalog-grid">
            {page.items.into_iter().enumerate().map(|(i, p)| card(p, (page.page - 1) * page.page_size + i as u32 + 1, &locale)).collect_view()}
        </ul>
        <nav class="catalog-pages" aria-label="Pages">
            {(current > 1).then(|| view! { <a rel="prev" href=query.with_page(current - 1).to_url()>"← Previous"</a> })}
            <span>{format!("Page {current} of {pages}")}</span>
            {(current < pages).then(|| view! { <a rel="next" href=query.with_page(current + 1).to_url()>"Next →"</a> })}
        </nav>
    }
    .into_any()
}

fn card(product: Product, position: u32, locale: &str) -> impl IntoView {
    let href = product_path(product.id, None);
    let product_id = product.id;
    // The shell's router follows the link; this only reports the click.
    let clicked = move |_| publish(PUBLISHER, &new_trace_id(), CatalogProductClicked { product_id, position });
    let price = format_money(&product.price, locale);
    let image = product.images.first().cloned().unwrap_or_default();
    let in_stock = product.variants.iter().any(|v| v.stock > 0);
    let variants = (product.variants.len() > 1).then(|| format!("{} options", product.variants.len()));
    view! {
        <li class="catalog-card" data-testid="product-card">
            <a class="catalog-card-link" href=href on:click=clicked>
                <img src=image alt="" width="300" height="260" loading="lazy" />
                <span class="catalog-card-name">{product.name}</span>
            </a>
            <p class="catalog-card-price" data-testid="product-price">{price}</p>
            <p class="catalog-card-meta">
                {if in_stock { "In stock" } else { "Out of stock" }}
                {variants.map(|v| format!(" · {v}"))}
            </p>
        </li>
    }
}

//! One product: picture, price, variant choice (in the URL), quantity and Add to cart, and the
//! products this browser viewed before it.

use contracts::api::{AddCartItem, Product};
use contracts::browser::events::{new_trace_id, publish, subscribe};
use contracts::browser::http::HttpError;
use contracts::browser::navigation::{current_path, current_search, navigate, on_route_change};
use contracts::context::MountContext;
use contracts::events::{
    CartItemAdded, CartUpdated, Envelope, LocaleChanged, NotificationLevel, NotificationRequested,
};
use contracts::format::money as format_money;
use contracts::routes::{parse_product_path, product_path, query_param};
use leptos::prelude::*;
use leptos::task::spawn_local;
use send_wrapper::SendWrapper;

use crate::i18n::{self, t, Key, Lang};
use crate::{api, recent, PUBLISHER};

#[component]
pub fn ProductDetails(context: MountContext) -> impl IntoView {
    let url = RwSignal::new((current_path(), current_search()));
    let locale = RwSignal::new(Lang::of(&context.locale).tag().to_string());
    let listeners = SendWrapper::new((
        on_route_change("product-details", move |route| url.set((route.path, route.search))),
        subscribe::<LocaleChanged, _>("product-details", move |e: Envelope<LocaleChanged>| {
            locale.set(Lang::of(&e.payload.locale).tag().to_string())
        }),
    ));
    on_cleanup(move || drop(listeners));
    let text = move |key| t(&locale.get(), key);

    let id = Memo::new(move |_| url.with(|(path, _)| parse_product_path(path)));
    let wanted_variant = Memo::new(move |_| url.with(|(_, search)| query_param(search, "variant")));
    let product = LocalResource::new(move || {
        let id = id.get();
        async move {
            match id {
                Some(id) => api::product(id).await.map(Some),
                None => Ok(None),
            }
        }
    });
    // Only a product the API has shown joins the list; one it no longer knows leaves it.
    Effect::new(move |_| match product.get() {
        Some(Ok(Some(p))) => recent::record(p.id),
        Some(Err(HttpError::Status { status: 404, .. })) => {
            if let Some(id) = id.get_untracked() {
                recent::forget(id)
            }
        }
        _ => {}
    });
    let recently_viewed = LocalResource::new(move || {
        let current = id.get();
        async move {
            let mut found = Vec::new();
            // One at a time: at most six small reads, and the strip is below the fold.
            for other in recent::others(&recent::load(), current) {
                match api::product(other).await {
                    Ok(p) => found.push(p),
                    Err(HttpError::Status { status: 404, .. }) => recent::forget(other),
                    Err(_) => {}
                }
            }
            found
        }
    });

    view! {
        <div class="pd">
            <Transition fallback=move || view! { <p class="pd-status">{move || text(Key::Loading)}</p> }>
                {move || product.get().map(|result| match result {
                    Ok(Some(p)) => view! { <Details product=p wanted_variant locale /> }.into_any(),
                    Ok(None) | Err(HttpError::Status { status: 404 | 400, .. }) => not_found(locale).into_any(),
                    Err(error) => view! {
                        <div class="pd-error" role="alert">
                            <p>{move || text(Key::LoadFailed)} " " {error.to_string()}</p>
                            <button type="button" on:click=move |_| product.refetch()>{move || text(Key::TryAgain)}</button>
                        </div>
                    }.into_any(),
                })}
            </Transition>
            <Transition fallback=|| ()>
                {move || recently_viewed.get().filter(|ps| !ps.is_empty()).map(|ps| recent_strip(ps, locale))}
            </Transition>
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
fn Details(product: Product, wanted_variant: Memo<Option<String>>, locale: RwSignal<String>) -> impl IntoView {
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
    let adding = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let stock = move || variant.get().map(|v| v.stock).unwrap_or(0);
    let max_quantity = move || stock().clamp(1, 99);
    let sold_out = move || stock() == 0;

    let choose = move |variant_id: String| {
        let id = product.with_value(|p| p.id);
        quantity.set(1);
        error.set(None);
        // Replace, not push: trying colours should not fill the Back button.
        navigate(PUBLISHER, &product_path(id, Some(&variant_id)), true);
    };

    let add = move |_| {
        let Some(v) = variant.get_untracked() else { return };
        // The button is disabled then; a click that still arrives (e.g. scripted) changes nothing.
        if v.stock == 0 || adding.get_untracked() {
            return;
        }
        let item = AddCartItem {
            product_id: product.with_value(|p| p.id),
            variant_id: Some(v.id),
            quantity: quantity.get_untracked().clamp(1, v.stock.min(99)),
        };
        let name = product.with_value(|p| p.name.clone());
        let message = i18n::added(&locale.get_untracked(), &name);
        adding.set(true);
        error.set(None);
        spawn_local(async move {
            // One trace id links the POST, the event and the toast in logs and the inspector.
            let trace_id = new_trace_id();
            match api::add_to_cart(&item, &trace_id).await {
                Ok(cart) => {
                    publish(PUBLISHER, &trace_id, CartUpdated { cart_id: cart.cart_id, item_count: cart.item_count });
                    publish(
                        PUBLISHER,
                        &trace_id,
                        CartItemAdded {
                            product_id: item.product_id,
                            variant_id: item.variant_id,
                            quantity: item.quantity,
                        },
                    );
                    publish(PUBLISHER, &trace_id, NotificationRequested { level: NotificationLevel::Success, message });
                }
                Err(e) => error.set(Some(e.to_string())),
            }
            adding.set(false);
        });
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

    contracts::browser::mark("product-details:ready");
    view! {
        <article class="pd-product">
            <img class="pd-image" src=image alt=alt width="600" height="520" />
            <div class="pd-info">
                <h1>{name}</h1>
                <p class="pd-price" data-testid="product-price">{move || format_money(&price, &locale.get())}</p>
                <p class="pd-description">{description}</p>
                {multi.then(|| view! {
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
                                <button type="button" class="pd-variant" aria-pressed=move || selected().to_string()
                                    data-variant=v.id.clone() on:click=move |_| choose(id.clone())>{label}</button>
                            }
                        }).collect_view()}
                    </fieldset>
                })}
                <p class="pd-stock" data-testid="product-stock">
                    {move || match stock() {
                        0 => text(Key::OutOfStock).to_string(),
                        n if n < 5 => i18n::only_left(&locale.get(), n),
                        _ => text(Key::InStock).to_string(),
                    }}
                </p>
                <div class="pd-buy">
                    <div class="pd-quantity">
                    <label for="pd-quantity">{move || text(Key::Quantity)}</label>
                    <input id="pd-quantity" type="number" name="quantity" data-testid="quantity" inputmode="numeric"
                        min="1" max=move || max_quantity().to_string() disabled=sold_out
                        prop:value=move || quantity.get().to_string()
                        on:change=move |ev| {
                            // Whatever was typed ends up a whole number the stock allows.
                            let n = event_target_value(&ev).trim().parse::<u32>().unwrap_or(1);
                            let n = n.clamp(1, max_quantity());
                            quantity.set(n);
                            // The signal may already hold `n` while the field shows what was typed.
                            event_target::<web_sys::HtmlInputElement>(&ev).set_value(&n.to_string());
                        } />
                    </div>
                    <button type="button" class="pd-add" data-testid="add-to-cart"
                        aria-describedby=move || sold_out().then_some("pd-add-reason")
                        disabled=move || adding.get() || sold_out() on:click=add>
                        {move || text(if adding.get() { Key::Adding } else { Key::AddToCart })}
                    </button>
                </div>
                {move || sold_out().then(|| view! {
                    <p id="pd-add-reason" class="pd-reason" data-testid="add-disabled-reason">{move || text(Key::SoldOutReason)}</p>
                })}
                {move || error.get().map(|e| view! { <p class="pd-error" role="alert">{e}</p> })}
            </div>
        </article>
    }
}

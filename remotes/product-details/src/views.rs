//! One product: picture, price, variant choice (in the URL), quantity and Add to cart.

use contracts::api::{AddCartItem, Product};
use contracts::browser::events::{new_trace_id, publish};
use contracts::browser::format_money;
use contracts::browser::http::HttpError;
use contracts::browser::navigation::{current_path, current_search, navigate, on_route_change};
use contracts::context::MountContext;
use contracts::events::{CartItemAdded, CartUpdated, NotificationLevel, NotificationRequested};
use contracts::routes::{parse_product_path, product_path, query_param};
use leptos::prelude::*;
use leptos::task::spawn_local;
use send_wrapper::SendWrapper;

use crate::{api, PUBLISHER};

#[component]
pub fn ProductDetails(context: MountContext) -> impl IntoView {
    let url = RwSignal::new((current_path(), current_search()));
    let listener = SendWrapper::new(on_route_change("product-details", move |route| url.set((route.path, route.search))));
    on_cleanup(move || drop(listener));

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
    let locale = StoredValue::new(context.locale);

    view! {
        <div class="pd">
            <Transition fallback=|| view! { <p class="pd-status">"Loading product…"</p> }>
                {move || product.get().map(|result| match result {
                    Ok(Some(p)) => view! { <Details product=p wanted_variant locale=locale.get_value() /> }.into_any(),
                    Ok(None) | Err(HttpError::Status { status: 404 | 400, .. }) => not_found().into_any(),
                    Err(error) => view! {
                        <div class="pd-error" role="alert">
                            <p>"The product could not be loaded: " {error.to_string()}</p>
                            <button type="button" on:click=move |_| product.refetch()>"Try again"</button>
                        </div>
                    }.into_any(),
                })}
            </Transition>
        </div>
    }
}

fn not_found() -> impl IntoView {
    view! {
        <section class="pd-not-found" data-testid="product-not-found">
            <h1>"Product not found"</h1>
            <p>"This product does not exist or is no longer sold."</p>
            <a href="/">"Browse all products"</a>
        </section>
    }
}

#[component]
fn Details(product: Product, wanted_variant: Memo<Option<String>>, locale: String) -> impl IntoView {
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

    let choose = move |variant_id: String| {
        let id = product.with_value(|p| p.id);
        quantity.set(1);
        error.set(None);
        // Replace, not push: trying colours should not fill the Back button.
        navigate(PUBLISHER, &product_path(id, Some(&variant_id)), true);
    };

    let add = move |_| {
        let Some(v) = variant.get_untracked() else { return };
        let item = AddCartItem {
            product_id: product.with_value(|p| p.id),
            variant_id: Some(v.id),
            quantity: quantity.get_untracked(),
        };
        let name = product.with_value(|p| p.name.clone());
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
                        CartItemAdded { product_id: item.product_id, variant_id: item.variant_id, quantity: item.quantity },
                    );
                    publish(
                        PUBLISHER,
                        &trace_id,
                        NotificationRequested { level: NotificationLevel::Success, message: format!("Added {name} to your cart") },
                    );
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
            format_money(&p.price, &locale),
            p.images.first().cloned().unwrap_or_default(),
            p.variants.clone(),
            p.variants.len() > 1,
        )
    });

    contracts::browser::mark("product-details:ready");
    view! {
        <article class="pd-product">
            <img class="pd-image" src=image alt=name.clone() width="600" height="520" />
            <div class="pd-info">
                <h1>{name}</h1>
                <p class="pd-price" data-testid="product-price">{price}</p>
                <p class="pd-description">{description}</p>
                {multi.then(|| view! {
                    <fieldset class="pd-variants">
                        <legend>"Option"</legend>
                        {variants.into_iter().map(|v| {
                            let id = v.id.clone();
                            let selected = {
                                let id = id.clone();
                                move || variant.with(|cur| cur.as_ref().is_some_and(|c| c.id == id))
                            };
                            let label = if v.stock == 0 { format!("{} (sold out)", v.name) } else { v.name.clone() };
                            view! {
                                <button type="button" class="pd-variant" aria-pressed=move || selected().to_string()
                                    data-variant=v.id.clone() on:click=move |_| choose(id.clone())>{label}</button>
                            }
                        }).collect_view()}
                    </fieldset>
                })}
                <p class="pd-stock" data-testid="product-stock">
                    {move || match stock() {
                        0 => "Out of stock".to_string(),
                        n if n < 5 => format!("Only {n} left"),
                        _ => "In stock".to_string(),
                    }}
                </p>
                <div class="pd-buy">
                    <label class="pd-quantity">
                        "Quantity "
                        <input type="number" name="quantity" min="1" max=move || max_quantity().to_string()
                            prop:value=move || quantity.get().to_string()
                            on:change=move |ev| {
                                let n = event_target_value(&ev).parse::<u32>().unwrap_or(1);
                                quantity.set(n.clamp(1, max_quantity()));
                            } />
                    </label>
                    <button type="button" class="pd-add" data-testid="add-to-cart"
                        disabled=move || adding.get() || stock() == 0 on:click=add>
                        "Add to cart"
                    </button>
                </div>
                {move || error.get().map(|e| view! { <p class="pd-error" role="alert">{e}</p> })}
            </div>
        </article>
    }
}

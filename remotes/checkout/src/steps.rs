//! The checkout steps. Each submits to the cart API and moves on only when the server agrees;
//! the server's `step` decides which step a session may show.

use contracts::api::{Address, CheckoutSession, CheckoutStep, PaymentRequest, SHIPPING_COUNTRIES};
use contracts::browser::events::{new_trace_id, publish};
use contracts::browser::http::HttpError;
use contracts::browser::navigation::{current_path, current_search, navigate};
use contracts::events::{CartUpdated, CheckoutCompleted, CheckoutPaymentSubmitted, OrderPlaced};
use contracts::problems::ProblemKind;
use contracts::routes::{confirmation_path, sign_in_path};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::i18n::Text;
use crate::pages::Step;
use crate::parts::{failure, summary, text};
use crate::{api, PUBLISHER};

/// The step the server allows for a session, given the one asked for: never past what the
/// visitor has done, but back to an earlier step is fine.
fn allowed(asked: Step, server: CheckoutStep) -> Step {
    let furthest = match server {
        CheckoutStep::Address => Step::Address,
        CheckoutStep::Payment => Step::Payment,
        CheckoutStep::Review | CheckoutStep::Completed => Step::Review,
    };
    let rank = |s: Step| s as u8;
    if rank(asked) <= rank(furthest) {
        asked
    } else {
        furthest
    }
}

/// `sign-in-required` means the session ended: back to sign-in, and here again afterwards.
fn to_sign_in_if_needed(error: &HttpError) -> bool {
    if error.is(ProblemKind::SignInRequired) {
        navigate(PUBLISHER, &sign_in_path(&format!("{}{}", current_path(), current_search())), true);
        return true;
    }
    false
}

/// `/checkout`: starts a checkout of the server-side cart and replaces itself with the first step.
#[component]
pub fn Start() -> impl IntoView {
    let state = RwSignal::new(None::<HttpError>);
    let start = move || {
        state.set(None);
        spawn_local(async move {
            match api::start(&new_trace_id()).await {
                Ok(session) => navigate(PUBLISHER, &Step::Address.url(&session.id), true),
                Err(e) if to_sign_in_if_needed(&e) => {}
                Err(e) => state.set(Some(e)),
            }
        });
    };
    start();
    move || match state.get() {
        None => view! { <p class="checkout-status" aria-busy="true">{text(Text::Loading)}</p> }.into_any(),
        Some(error) if error.is(ProblemKind::EmptyCart) => view! {
            <div class="checkout-empty" data-testid="checkout-empty">
                <p>{text(Text::EmptyCart)}</p>
                <a href="/">{text(Text::BackToShop)}</a>
            </div>
        }
        .into_any(),
        Some(error) => failure(error, start),
    }
}

#[component]
pub fn StepPage(step: Step, session: String) -> impl IntoView {
    let loaded = RwSignal::new(None::<Result<CheckoutSession, HttpError>>);
    let id = StoredValue::new(session);
    let load = move || {
        spawn_local(async move {
            let answer = api::session(&id.get_value()).await;
            match &answer {
                Ok(s) if s.step == CheckoutStep::Completed => {
                    if let Some(order) = &s.order_id {
                        navigate(PUBLISHER, &confirmation_path(order), true);
                    }
                }
                Ok(s) if allowed(step, s.step) != step => navigate(PUBLISHER, &allowed(step, s.step).url(&s.id), true),
                Err(e) if to_sign_in_if_needed(e) => return,
                _ => {}
            }
            loaded.set(Some(answer));
        });
    };
    load();

    view! {
        <h1>{text(Text::Checkout)}</h1>
        <Progress step />
        {move || match loaded.get() {
            None => view! { <p class="checkout-status" aria-busy="true">{text(Text::Loading)}</p> }.into_any(),
            Some(Err(e)) => failure(e, load),
            Some(Ok(session)) => match step {
                Step::Address => view! { <AddressForm session /> }.into_any(),
                Step::Payment => view! { <PaymentForm session /> }.into_any(),
                Step::Review => view! { <Review session /> }.into_any(),
            },
        }}
    }
}

#[component]
fn Progress(step: Step) -> impl IntoView {
    let item = move |s: Step, label: Text| {
        let current = if s == step { Some("step") } else { None };
        view! { <li aria-current=current class:checkout-step-done=(s as u8) < (step as u8)>{text(label)}</li> }
    };
    view! {
        <ol class="checkout-progress">
            {item(Step::Address, Text::StepAddress)}
            {item(Step::Payment, Text::StepPayment)}
            {item(Step::Review, Text::StepReview)}
        </ol>
    }
}

/// A labelled input bound to `value`, named as the API's field.
fn field(
    label: Text,
    name: &'static str,
    value: RwSignal<String>,
    kind: &'static str,
    autocomplete: &'static str,
) -> impl IntoView {
    let id = format!("checkout-{name}");
    view! {
        <label for=id.clone()>{text(label)}</label>
        <input id=id name=name type=kind autocomplete=autocomplete required
            prop:value=value on:input=move |ev| value.set(event_target_value(&ev)) />
    }
}

fn problem_detail(error: &HttpError) -> String {
    match error {
        HttpError::Status { problem: Some(p), .. } => p.detail.clone().unwrap_or_else(|| p.title.clone()),
        other => other.to_string(),
    }
}

#[component]
fn AddressForm(session: CheckoutSession) -> impl IntoView {
    let given = session.address.clone();
    let value = |f: fn(&Address) -> &String| RwSignal::new(given.as_ref().map(|a| f(a).clone()).unwrap_or_default());
    let (name, line1, city) = (value(|a| &a.name), value(|a| &a.line1), value(|a| &a.city));
    let postal_code = value(|a| &a.postal_code);
    let country = RwSignal::new(given.as_ref().map_or_else(|| "DE".to_string(), |a| a.country.clone()));
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let id = StoredValue::new(session.id.clone());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        let address = Address {
            name: name.get_untracked(),
            line1: line1.get_untracked(),
            city: city.get_untracked(),
            postal_code: postal_code.get_untracked(),
            country: country.get_untracked(),
        };
        spawn_local(async move {
            match api::set_address(&id.get_value(), &address, &new_trace_id()).await {
                Ok(s) => navigate(PUBLISHER, &Step::Payment.url(&s.id), false),
                Err(e) if to_sign_in_if_needed(&e) => {}
                Err(e) => error.set(Some(problem_detail(&e))),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="checkout-form" on:submit=submit novalidate>
            {field(Text::Name, "name", name, "text", "name")}
            {field(Text::Line1, "line1", line1, "text", "address-line1")}
            {field(Text::PostalCode, "postalCode", postal_code, "text", "postal-code")}
            {field(Text::City, "city", city, "text", "address-level2")}
            <label for="checkout-country">{text(Text::Country)}</label>
            <select id="checkout-country" name="country" autocomplete="country"
                on:change=move |ev| country.set(event_target_value(&ev))>
                {SHIPPING_COUNTRIES.into_iter().map(|code| view! {
                    <option value=code selected=move || country.get() == code>{code}</option>
                }).collect_view()}
            </select>
            {move || error.get().map(|e| view! { <p class="checkout-error" role="alert" data-testid="checkout-error">{e}</p> })}
            <button type="submit" data-testid="checkout-submit" disabled=move || busy.get()>{text(Text::ContinueToPayment)}</button>
        </form>
        {summary(session.lines, session.totals)}
    }
}

#[component]
fn PaymentForm(session: CheckoutSession) -> impl IntoView {
    // The card lives in these signals while the form is on screen, and is sent to the API only.
    let (card_number, expiry, cvc) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let id = StoredValue::new(session.id.clone());
    let declined = text(Text::Declined);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        error.set(None);
        let request = PaymentRequest {
            checkout_session_id: id.get_value(),
            card_number: card_number.get_untracked(),
            expiry: expiry.get_untracked(),
            cvc: cvc.get_untracked(),
        };
        spawn_local(async move {
            let trace_id = new_trace_id();
            let answer = api::pay(&request, &trace_id).await;
            drop(request);
            let status = match &answer {
                Ok(_) => "authorized",
                Err(e) if e.is(ProblemKind::PaymentDeclined) => "declined",
                Err(_) => "failed",
            };
            publish(
                PUBLISHER,
                &trace_id,
                CheckoutPaymentSubmitted { checkout_step: "payment".into(), status: status.into() },
            );
            match answer {
                Ok(_) => {
                    card_number.set(String::new());
                    cvc.set(String::new());
                    navigate(PUBLISHER, &Step::Review.url(&id.get_value()), false);
                }
                Err(e) if to_sign_in_if_needed(&e) => {}
                Err(e) if e.is(ProblemKind::PaymentDeclined) => error.set(Some(declined().to_string())),
                Err(e) => error.set(Some(problem_detail(&e))),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="checkout-form" on:submit=submit novalidate>
            {field(Text::CardNumber, "cardNumber", card_number, "text", "cc-number")}
            {field(Text::Expiry, "expiry", expiry, "text", "cc-exp")}
            {field(Text::Cvc, "cvc", cvc, "text", "cc-csc")}
            <p class="checkout-hint">{text(Text::TestCards)}</p>
            {move || error.get().map(|e| view! { <p class="checkout-error" role="alert" data-testid="payment-error">{e}</p> })}
            <button type="submit" data-testid="checkout-submit" disabled=move || busy.get()>{text(Text::ContinueToReview)}</button>
        </form>
        {summary(session.lines, session.totals)}
    }
}

#[component]
fn Review(session: CheckoutSession) -> impl IntoView {
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let id = StoredValue::new(session.id.clone());
    let cart_changed = text(Text::CartChanged);
    let place = move |_| {
        // A second click while the first is on its way does nothing; the server would answer
        // the same order anyway.
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let trace_id = new_trace_id();
            match api::place_order(&id.get_value(), &trace_id).await {
                Ok(order) => {
                    let item_count = order.lines.iter().map(|l| l.quantity).sum();
                    // The order emptied the cart on the server; say so with the server's own cart.
                    if let Ok(cart) = api::cart().await {
                        publish(
                            PUBLISHER,
                            &trace_id,
                            CartUpdated { cart_id: cart.cart_id, item_count: cart.item_count },
                        );
                    }
                    publish(
                        PUBLISHER,
                        &trace_id,
                        CheckoutCompleted { order_id: order.order_id.clone(), status: order.status.clone() },
                    );
                    publish(
                        PUBLISHER,
                        &trace_id,
                        OrderPlaced { order_id: order.order_id.clone(), item_count, total: order.totals.total.clone() },
                    );
                    navigate(PUBLISHER, &confirmation_path(&order.order_id), false);
                }
                Err(e) if to_sign_in_if_needed(&e) => {}
                Err(e) if e.is(ProblemKind::CartChanged) => {
                    error.set(Some(cart_changed().to_string()));
                    navigate(PUBLISHER, &Step::Payment.url(&id.get_value()), true);
                }
                Err(e) => error.set(Some(problem_detail(&e))),
            }
            busy.set(false);
        });
    };
    let address = session.address.clone();
    let edit_address = Step::Address.url(&session.id);
    let edit_payment = Step::Payment.url(&session.id);
    view! {
        <div class="checkout-review">
            <section>
                <h2>{text(Text::ShipTo)}</h2>
                {address.map(|a| view! {
                    <address data-testid="review-address">{a.name}<br />{a.line1}<br />{a.postal_code} " " {a.city}<br />{a.country}</address>
                })}
                <a href=edit_address>{text(Text::Edit)}</a>
            </section>
            <section>
                <h2>{text(Text::StepPayment)}</h2>
                <p>{text(Text::PaidWith)} " " {session.card_last4.clone().unwrap_or_default()}</p>
                <a href=edit_payment>{text(Text::Edit)}</a>
            </section>
        </div>
        {summary(session.lines, session.totals)}
        {move || error.get().map(|e| view! { <p class="checkout-error" role="alert" data-testid="checkout-error">{e}</p> })}
        <button type="button" class="checkout-place" data-testid="checkout-submit" disabled=move || busy.get() on:click=place>
            {move || if busy.get() { text(Text::Placing)() } else { text(Text::PlaceOrder)() }}
        </button>
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    #[wasm_bindgen_test]
    fn a_step_is_shown_only_once_the_server_allows_it() {
        assert_eq!(allowed(Step::Review, CheckoutStep::Address), Step::Address);
        assert_eq!(allowed(Step::Review, CheckoutStep::Payment), Step::Payment);
        assert_eq!(allowed(Step::Address, CheckoutStep::Review), Step::Address, "going back is fine");
        assert_eq!(allowed(Step::Review, CheckoutStep::Review), Step::Review);
    }
}

//! The pieces every page of this remote is made of: the locale they read, an error with a way
//! to try again, and the lines and totals as the server computed them. A leaf: the pages
//! (`views`, `orders`, `steps`) import it, it imports none of them.

use contracts::api::{CartLine, Totals};
use contracts::format::money as format_money;
use leptos::prelude::*;

use crate::i18n::{t, Text};

/// The current locale, for every view of this remote.
#[derive(Clone, Copy)]
pub struct Locale(pub RwSignal<String>);

pub fn text(key: Text) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let Locale(locale) = expect_context::<Locale>();
    move || t(&locale.get(), key)
}

/// An error with a way to try again.
pub fn failure(error: impl std::fmt::Display, retry: impl Fn() + Copy + Send + Sync + 'static) -> AnyView {
    view! {
        <div class="checkout-error" role="alert" data-testid="checkout-error">
            <p>{text(Text::Failed)} " " {error.to_string()}</p>
            <button type="button" on:click=move |_| retry()>{text(Text::TryAgain)}</button>
        </div>
    }
    .into_any()
}

/// Lines and totals as the server computed them.
pub fn summary(lines: Vec<CartLine>, totals: Totals) -> impl IntoView {
    let Locale(locale) = expect_context::<Locale>();
    let money = move |m: &contracts::api::Money| format_money(m, &locale.get());
    let shipping = totals.shipping.clone();
    view! {
        <ul class="checkout-lines">
            {lines.into_iter().map(|line| {
                let total = line.line_total.clone();
                view! {
                    <li data-testid="checkout-line">
                        <img src=line.image.clone() alt="" width="48" height="42" />
                        <span class="checkout-line-name">{line.quantity} " × " {line.name.clone()}</span>
                        <span>{move || money(&total)}</span>
                    </li>
                }
            }).collect_view()}
        </ul>
        <dl class="checkout-totals">
            <dt>{text(Text::Subtotal)}</dt><dd>{let m = totals.subtotal.clone(); move || money(&m)}</dd>
            <dt>{text(Text::Shipping)}</dt>
            <dd>{move || if shipping.amount == 0 { t(&locale.get(), Text::Free).to_string() } else { money(&shipping) }}</dd>
            <dt>{text(Text::Tax)}</dt><dd>{let m = totals.tax.clone(); move || money(&m)}</dd>
            <dt class="checkout-total">{text(Text::Total)}</dt>
            <dd class="checkout-total" data-testid="checkout-total">{let m = totals.total.clone(); move || money(&m)}</dd>
        </dl>
    }
}

//! The header: brand, navigation, the cart summary, the account menu and the platform switches
//! (theme, language).
//!
//! Its layout has a fixed height on every width, with a box reserved for each part, and
//! `index.html` paints the same frame before any wasm runs (see `shell/index.html`): nothing
//! moves when the shell takes over or when the cart summary arrives.
//!
//! The cart summary is not the shell's: it is the cart team's fragment, a remote bundle of its
//! own (`remotes/cart-summary`), mounted here like any remote. The shell never reads the cart.

use contracts::context::Theme;
use contracts::routes::{CART_PATH, CART_SUMMARY};
use leptos::prelude::*;

use crate::composition::RemoteSlot;
use crate::i18n::{t, Text};
use crate::identity::AccountMenu;
use crate::platform::{Platform, LOCALES};

#[component]
pub fn Header() -> impl IntoView {
    let platform = expect_context::<Platform>();
    let locale = platform.locale;
    let text = move |key| t(&locale.get(), key);
    let toggle_theme = move |_| {
        let next = if platform.theme.get_untracked() == Theme::Dark { Theme::Light } else { Theme::Dark };
        platform.set_theme(next);
    };

    view! {
        <header class="shell-header" data-testid="shell-header">
            <a class="brand" href="/">
                <img src="/images/favicon.svg" alt="" width="28" height="28" />
                <span>"Tractor & Co."</span>
            </a>
            <nav class="shell-nav" aria-label="Main">
                <a href="/">{move || text(Text::Shop)}</a>
                <a href="/categories/tractors">"Tractors"</a>
                <a href="/categories/workwear">"Workwear"</a>
                <a href="/checkout">{move || text(Text::Checkout)}</a>
            </nav>
            <div class="shell-locale">
                <label class="visually-hidden" for="shell-locale">{move || text(Text::Language)}</label>
                <select id="shell-locale" data-testid="locale-select"
                    on:change=move |ev| platform.set_locale(&event_target_value(&ev))>
                    {LOCALES.iter().map(|(tag, name)| view! {
                        <option value=*tag selected=move || locale.get() == *tag>{*name}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="shell-tools">
                // A symbol on screen, the action in words for assistive technology and tooltips.
                <button type="button" class="theme-toggle" data-testid="theme-toggle"
                    aria-label=move || if platform.theme.get() == Theme::Dark { text(Text::LightTheme) } else { text(Text::DarkTheme) }
                    title=move || if platform.theme.get() == Theme::Dark { text(Text::LightTheme) } else { text(Text::DarkTheme) }
                    on:click=toggle_theme>
                    <span aria-hidden="true">{move || if platform.theme.get() == Theme::Dark { "☀" } else { "☾" }}</span>
                </button>
                <AccountMenu />
            </div>
            <div class="shell-cart-summary">
                // Should the summary fail to load, a plain link to the cart still leads on.
                <RemoteSlot name=CART_SUMMARY fragment=true
                    fallback=move || view! { <a href=CART_PATH>{move || text(Text::Cart)}</a> } />
            </div>
        </header>
    }
}

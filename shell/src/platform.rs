//! The platform context: the small, stable state the shell owns and hands to every remote
//! (identity summary, locale, theme, API base). Domain state never lives here.

use contracts::browser::events::{new_trace_id, publish};
use contracts::context::{IdentitySummary, MountContext, Theme};
use contracts::events::{LocaleChanged, ThemeChanged};
use leptos::prelude::*;

pub const SHELL: &str = concat!("shell@", env!("CARGO_PKG_VERSION"));

/// The locales every part of the store is translated into, with their names in themselves.
pub const LOCALES: [(&str, &str); 2] = [(contracts::context::LOCALES[0], "English"), (contracts::context::LOCALES[1], "Deutsch")];

/// The shell's own preferences in `localStorage`: the visitor's choice of theme and locale, read
/// by the shell alone. Nothing of the domain and nothing secret is stored.
const THEME_KEY: &str = "shell:theme";
const LOCALE_KEY: &str = "shell:locale";

#[derive(Clone, Copy)]
pub struct Platform {
    pub locale: RwSignal<String>,
    pub theme: RwSignal<Theme>,
    pub identity: RwSignal<IdentitySummary>,
    /// False until the API said who the visitor is: remotes mount once, with the right identity.
    pub identity_known: RwSignal<bool>,
    /// True once the page's own remote has mounted (or failed), or after a moment on pages
    /// without one: fragments (the header's cart summary) load after it, not in its way.
    pub page_settled: RwSignal<bool>,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

fn supported(locale: &str) -> Option<String> {
    LOCALES.iter().find(|(tag, _)| *tag == locale).map(|(tag, _)| tag.to_string())
}

impl Platform {
    /// Marks the page settled. Only the first call changes anything: fragments mount when the
    /// signal turns true, and setting it again (the next page's remote, the start-up timer)
    /// would unmount and mount them again, with a fresh request each time.
    pub fn settle_page(&self) {
        if !self.page_settled.get_untracked() {
            self.page_settled.set(true);
        }
    }

    pub fn load() -> Self {
        let stored = |key| storage().and_then(|s| s.get_item(key).ok().flatten());
        let locale = stored(LOCALE_KEY)
            .and_then(|l| supported(&l))
            .or_else(|| web_sys::window().and_then(|w| w.navigator().language()).and_then(|l| supported(&l)))
            .unwrap_or_else(|| "en-US".into());
        let theme = match stored(THEME_KEY).as_deref() {
            Some("dark") => Theme::Dark,
            Some("light") => Theme::Light,
            // No choice yet: follow the system.
            _ => match web_sys::window().and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten()) {
                Some(query) if query.matches() => Theme::Dark,
                _ => Theme::Light,
            },
        };
        let platform = Self {
            locale: RwSignal::new(locale),
            theme: RwSignal::new(theme),
            identity: RwSignal::new(IdentitySummary::default()),
            identity_known: RwSignal::new(false),
            page_settled: RwSignal::new(false),
        };
        platform.apply();
        platform
    }

    /// Puts theme and language on `<html>`, where the design tokens switch.
    fn apply(&self) {
        let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) else {
            return;
        };
        let theme = if self.theme.get_untracked() == Theme::Dark { "dark" } else { "light" };
        let _ = root.set_attribute("data-theme", theme);
        let _ = root.set_attribute("lang", &self.locale.get_untracked());
    }

    pub fn set_theme(&self, theme: Theme) {
        self.theme.set(theme);
        self.apply();
        if let Some(s) = storage() {
            let _ = s.set_item(THEME_KEY, if theme == Theme::Dark { "dark" } else { "light" });
        }
        publish(SHELL, &new_trace_id(), ThemeChanged { theme });
    }

    pub fn set_locale(&self, locale: &str) {
        let Some(locale) = supported(locale) else { return };
        self.locale.set(locale.clone());
        self.apply();
        if let Some(s) = storage() {
            let _ = s.set_item(LOCALE_KEY, &locale);
        }
        publish(SHELL, &new_trace_id(), LocaleChanged { locale });
    }

    /// What a remote receives in `mount(host, context)`, read without subscribing.
    pub fn mount_context(&self) -> MountContext {
        MountContext {
            contracts_major: contracts::CONTRACTS_MAJOR,
            shell: SHELL.to_string(),
            api_base: "/api".to_string(),
            locale: self.locale.get_untracked(),
            theme: self.theme.get_untracked(),
            identity: self.identity.get_untracked(),
        }
    }
}

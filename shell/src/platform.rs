//! The platform context: the small, stable state the shell owns and hands to every remote
//! (identity summary, locale, theme, API base). Domain state never lives here.

use contracts::browser::events::{new_trace_id, publish};
use contracts::context::{IdentitySummary, MountContext, Theme};
use contracts::events::{LocaleChanged, ThemeChanged};
use leptos::prelude::*;

pub const SHELL: &str = concat!("shell@", env!("CARGO_PKG_VERSION"));

/// The locales every part of the store is translated into, with their names in themselves.
pub const LOCALES: [(&str, &str); 2] =
    [(contracts::context::LOCALES[0], "English"), (contracts::context::LOCALES[1], "Deutsch")];

/// The shell's own preferences, as cookies: the visitor's choice of theme and locale. A cookie and
/// not `localStorage`, because the server paints the first view in them (`<html data-theme lang>`)
/// and a page rendered light and then switched dark would flash. Nothing of the domain and
/// nothing secret is stored; no remote reads them (remotes get theme and locale in their context).
pub const THEME_COOKIE: &str = "shell-theme";
pub const LOCALE_COOKIE: &str = "shell-locale";

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

fn html_document() -> Option<web_sys::HtmlDocument> {
    use wasm_bindgen::JsCast;
    web_sys::window()?.document()?.dyn_into().ok()
}

/// A preference cookie, when the visitor has made a choice.
fn preference(name: &str) -> Option<String> {
    let cookies = html_document()?.cookie().ok()?;
    cookies.split(';').find_map(|c| c.trim().strip_prefix(name)?.strip_prefix('=').map(str::to_string))
}

fn remember(name: &str, value: &str) {
    if let Some(document) = html_document() {
        // A year; readable by the server for the first paint, never sent to another site.
        let _ = document.set_cookie(&format!("{name}={value}; Path=/; Max-Age=31536000; SameSite=Lax"));
    }
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
        let locale = preference(LOCALE_COOKIE)
            .and_then(|l| supported(&l))
            .or_else(|| web_sys::window().and_then(|w| w.navigator().language()).and_then(|l| supported(&l)))
            .unwrap_or_else(|| "en-US".into());
        let theme = match preference(THEME_COOKIE).as_deref() {
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
        remember(THEME_COOKIE, if theme == Theme::Dark { "dark" } else { "light" });
        publish(SHELL, &new_trace_id(), ThemeChanged { theme });
    }

    pub fn set_locale(&self, locale: &str) {
        let Some(locale) = supported(locale) else { return };
        self.locale.set(locale.clone());
        self.apply();
        remember(LOCALE_COOKIE, &locale);
        publish(SHELL, &new_trace_id(), LocaleChanged { locale });
    }

    /// What a remote receives in `mount(host, context)`, read without subscribing.
    pub fn mount_context(&self) -> MountContext {
        MountContext::new(SHELL, self.locale.get_untracked(), self.theme.get_untracked(), self.identity.get_untracked())
    }
}

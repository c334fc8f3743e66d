//! The platform context: the small, stable state the shell owns and hands to every remote
//! (identity summary, locale, theme, API base). Domain state never lives here.

use contracts::context::{IdentitySummary, MountContext, Theme};
use leptos::prelude::*;

pub const SHELL: &str = concat!("shell@", env!("CARGO_PKG_VERSION"));

#[derive(Clone, Copy)]
pub struct Platform {
    pub locale: RwSignal<String>,
    pub theme: RwSignal<Theme>,
    pub identity: RwSignal<IdentitySummary>,
}

impl Platform {
    pub fn load() -> Self {
        let locale = web_sys::window()
            .and_then(|w| w.navigator().language())
            .filter(|l| l == "de-DE")
            .unwrap_or_else(|| "en-US".into());
        Self {
            locale: RwSignal::new(locale),
            theme: RwSignal::new(Theme::Light),
            identity: RwSignal::new(IdentitySummary::default()),
        }
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

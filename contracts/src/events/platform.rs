//! Platform events, owned by the shell: global UI, platform context and navigation.

use serde::{Deserialize, Serialize};

use super::EventContract;
use crate::context::Theme;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum NotificationLevel {
    Info,
    Success,
    Error,
}

/// `notification:requested` v1: a remote asks the shell to show a short global message (toast).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct NotificationRequested {
    pub level: NotificationLevel,
    pub message: String,
}

impl EventContract for NotificationRequested {
    const NAME: &'static str = "notification:requested";
    const VERSION: u32 = 1;
    const OWNER: &'static str = "shell";
    const CONSUMERS: &'static [&'static str] = &["shell-notifications"];
    const DESCRIPTION: &'static str = "A remote asks the shell to show a short global notification.";

    fn example() -> Self {
        Self { level: NotificationLevel::Success, message: "Added Amber Field 45 to your cart".into() }
    }

    fn validate(&self) -> Result<(), String> {
        match self.message.chars().count() {
            0 => Err("message is empty".into()),
            n if n > 200 => Err("message is longer than 200 characters".into()),
            _ => Ok(()),
        }
    }
}

/// `platform:navigation-requested` v1: a remote asks the shell's router to go to a same-origin URL.
///
/// Remotes have no router of their own; going through the shell keeps one history and lets the
/// shell swap the remote that owns the new path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct NavigationRequested {
    /// Path, query and fragment, e.g. `/categories/tractors?page=2`.
    pub url: String,
    /// Replace the current history entry instead of pushing one.
    pub replace: bool,
}

impl EventContract for NavigationRequested {
    const NAME: &'static str = "platform:navigation-requested";
    const VERSION: u32 = 1;
    const OWNER: &'static str = "shell";
    const CONSUMERS: &'static [&'static str] = &["shell-router"];
    const DESCRIPTION: &'static str = "A remote asks the shell's router to navigate to a same-origin URL.";

    fn example() -> Self {
        Self { url: "/categories/tractors?sort=price-asc".into(), replace: false }
    }

    fn validate(&self) -> Result<(), String> {
        crate::routes::check_same_origin_path(&self.url)
    }
}

/// `platform:route-changed` v1: the shell's router moved to a new URL (link, Back/Forward or a
/// navigation request). Mounted remotes re-read the URL state they own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct RouteChanged {
    pub path: String,
    /// The query string including its leading `?`, or empty.
    pub search: String,
}

impl EventContract for RouteChanged {
    const NAME: &'static str = "platform:route-changed";
    const VERSION: u32 = 1;
    const OWNER: &'static str = "shell";
    const CONSUMERS: &'static [&'static str] = &["catalog", "product-details", "cart", "checkout"];
    const DESCRIPTION: &'static str = "The shell's router moved to a new URL; remotes re-read the URL state they own.";

    fn example() -> Self {
        Self { path: "/categories/tractors".into(), search: "?sort=price-asc".into() }
    }
}

/// `platform:theme-changed` v1: the visitor switched the colour theme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ThemeChanged {
    pub theme: Theme,
}

impl EventContract for ThemeChanged {
    const NAME: &'static str = "platform:theme-changed";
    const VERSION: u32 = 1;
    const OWNER: &'static str = "shell";
    const CONSUMERS: &'static [&'static str] = &["catalog", "product-details", "cart", "checkout"];
    const DESCRIPTION: &'static str = "The colour theme changed; remotes that draw colours themselves follow.";

    fn example() -> Self {
        Self { theme: Theme::Dark }
    }
}

/// `platform:locale-changed` v1: the visitor switched the language and formats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct LocaleChanged {
    /// BCP 47 tag, e.g. `de-DE`.
    pub locale: String,
}

impl EventContract for LocaleChanged {
    const NAME: &'static str = "platform:locale-changed";
    const VERSION: u32 = 1;
    const OWNER: &'static str = "shell";
    const CONSUMERS: &'static [&'static str] = &["catalog", "product-details", "cart", "checkout"];
    const DESCRIPTION: &'static str = "The locale changed; remotes re-render texts, prices and dates.";

    fn example() -> Self {
        Self { locale: "de-DE".into() }
    }

    fn validate(&self) -> Result<(), String> {
        if !crate::context::LOCALES.contains(&self.locale.as_str()) {
            return Err(format!(
                "{:?} is not a locale the store offers ({})",
                self.locale,
                crate::context::LOCALES.join(", ")
            ));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum ConsumeOutcome {
    Handled,
    Rejected,
}

/// `telemetry:event-consumed` v1: a consumer handled or ignored an event. Observability only:
/// it feeds the shell's event inspector and is never about the domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct EventConsumed {
    /// The `id` of the consumed envelope, empty when the event had none.
    pub event_id: String,
    pub name: String,
    pub consumer: String,
    pub outcome: ConsumeOutcome,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl EventContract for EventConsumed {
    const NAME: &'static str = "telemetry:event-consumed";
    const VERSION: u32 = 1;
    const OWNER: &'static str = "shell";
    const CONSUMERS: &'static [&'static str] = &["shell-inspector"];
    const DESCRIPTION: &'static str =
        "A consumer handled or rejected an event; the event inspector shows it next to the event.";

    fn example() -> Self {
        Self {
            event_id: "9f1c0a7d2b3e4f50".into(),
            name: "cart:updated".into(),
            consumer: "shell-header".into(),
            outcome: ConsumeOutcome::Rejected,
            reason: Some("version 2 is not supported (this consumer reads version 1)".into()),
        }
    }
}

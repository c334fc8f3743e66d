//! The platform context the shell passes to every remote's `mount(host, context)`.
//!
//! It carries only small, stable, platform-level state (the article's section 13): who is signed
//! in (a summary, never a token), the locale, the theme and where the API lives. Domain state
//! such as the cart never travels here.

use serde::{Deserialize, Serialize};

/// The identity summary: what a remote may know about the visitor. Also the body of `GET /api/me`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct IdentitySummary {
    pub user_id: Option<String>,
    pub display_name: Option<String>,
    pub roles: Vec<String>,
    pub locale: Option<String>,
    pub logged_in: bool,
}

/// The `id` of the data block (`<script type="application/json">`) in which the server that
/// sends a page gives the shell the visitor's identity summary, so it need not ask `/api/me`.
pub const IDENTITY_ELEMENT: &str = "platform-identity";

/// The locales the store offers (BCP 47), the first being the default.
pub const LOCALES: [&str; 2] = ["en-US", "de-DE"];

/// The language of a locale tag, for choosing texts and formats. Any tag the store does not
/// offer falls back to English, so a malformed tag can never reach `Intl` (which would throw).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    En,
    De,
}

impl Language {
    pub fn of(locale: &str) -> Self {
        let language = locale.split(['-', '_']).next().unwrap_or_default();
        if language.eq_ignore_ascii_case("de") {
            Language::De
        } else {
            Language::En
        }
    }

    /// The BCP 47 tag for `Intl` formatting: always one the browser knows.
    pub fn tag(self) -> &'static str {
        match self {
            Language::En => LOCALES[0],
            Language::De => LOCALES[1],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Theme {
    #[default]
    Light,
    Dark,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MountContext {
    /// Major version of `contracts` the shell speaks.
    pub contracts_major: u32,
    /// `name@version` of the shell, for the event log.
    pub shell: String,
    /// Base URL of the backend API, e.g. `/api`.
    pub api_base: String,
    /// BCP 47 tag, e.g. `en-US`.
    pub locale: String,
    pub theme: Theme,
    pub identity: IdentitySummary,
}

#[derive(Debug, thiserror::Error)]
pub enum ContextError {
    #[error("the mount context is not valid: {0}")]
    Invalid(String),
    #[error("the shell speaks contracts major {shell}, this remote speaks {remote}")]
    IncompatibleMajor { shell: u32, remote: u32 },
}

impl MountContext {
    /// The context a shell (`name@version`) gives a remote it mounts, in this crate's major
    /// version, with the API at `/api`: the same for a browser half and a server half.
    pub fn new(shell: impl Into<String>, locale: impl Into<String>, theme: Theme, identity: IdentitySummary) -> Self {
        MountContext {
            contracts_major: crate::CONTRACTS_MAJOR,
            shell: shell.into(),
            api_base: "/api".into(),
            locale: locale.into(),
            theme,
            identity,
        }
    }

    /// Parses the JSON a shell sent and checks it speaks our major version.
    pub fn from_json(json: &str) -> Result<Self, ContextError> {
        serde_json::from_str::<Self>(json).map_err(|e| ContextError::Invalid(e.to_string()))?.checked()
    }

    /// The context, if it was written for our major version.
    pub fn checked(self) -> Result<Self, ContextError> {
        let context = self;
        if context.contracts_major != crate::CONTRACTS_MAJOR {
            return Err(ContextError::IncompatibleMajor {
                shell: context.contracts_major,
                remote: crate::CONTRACTS_MAJOR,
            });
        }
        Ok(context)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> MountContext {
        MountContext {
            contracts_major: crate::CONTRACTS_MAJOR,
            shell: "shell@0.1.0".into(),
            api_base: "/api".into(),
            locale: "en-US".into(),
            theme: Theme::Dark,
            identity: IdentitySummary::default(),
        }
    }

    #[test]
    fn round_trips_through_json() {
        let json = serde_json::to_string(&sample()).unwrap();
        assert!(json.contains("\"apiBase\":\"/api\""));
        assert!(json.contains("\"theme\":\"dark\""));
        assert_eq!(MountContext::from_json(&json).unwrap(), sample());
    }

    #[test]
    fn languages_fall_back_to_english() {
        assert_eq!(Language::of("de-DE"), Language::De);
        assert_eq!(Language::of("de_AT"), Language::De);
        for other in ["en-US", "fr-FR", "", "<script>", "deutsch"] {
            assert_eq!(Language::of(other), Language::En, "{other}");
        }
        assert_eq!(Language::of("DE").tag(), "de-DE");
    }

    #[test]
    fn refuses_another_major() {
        let mut context = sample();
        context.contracts_major += 1;
        let json = serde_json::to_string(&context).unwrap();
        assert!(matches!(MountContext::from_json(&json), Err(ContextError::IncompatibleMajor { .. })));
    }
}

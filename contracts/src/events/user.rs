//! Identity events, owned by the shell (the platform team). They carry the identity summary's
//! id only: never a token, a password or an e-mail address.

use serde::{Deserialize, Serialize};

use super::EventContract;

/// `user:logged-in` v1: the visitor signed in; remotes refresh what depends on identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct UserLoggedIn {
    pub user_id: String,
}

impl EventContract for UserLoggedIn {
    const NAME: &'static str = "user:logged-in";
    const VERSION: u32 = 1;
    const OWNER: &'static str = "shell";
    const CONSUMERS: &'static [&'static str] = &["catalog", "product-details", "cart", "checkout"];
    const DESCRIPTION: &'static str = "The visitor signed in. The identity summary comes with the next mount context.";

    fn example() -> Self {
        Self { user_id: "usr_1".into() }
    }
}

/// `user:logged-out` v1: the session ended; remotes drop what they showed for the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct UserLoggedOut {
    /// Why: `user` (signed out) or `expired`.
    pub reason: String,
}

impl EventContract for UserLoggedOut {
    const NAME: &'static str = "user:logged-out";
    const VERSION: u32 = 1;
    const OWNER: &'static str = "shell";
    const CONSUMERS: &'static [&'static str] = &["catalog", "product-details", "cart", "checkout"];
    const DESCRIPTION: &'static str = "The visitor's session ended; every remote shows the signed-out state.";

    fn example() -> Self {
        Self { reason: "user".into() }
    }
}

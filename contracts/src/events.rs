//! Every cross-app event, declared once.
//!
//! An event is a small, documented fact about the domain (`cart:updated`), never an instruction
//! to another app's internals. Each one has a single owner, a version and a payload type; it
//! travels as a DOM `CustomEvent` on `window` whose `detail` is a plain JSON object, the
//! [`Envelope`], so a remote written in any framework can read it.
//!
//! Consumers decode through [`decode`]: anything that is not exactly the contract they speak
//! (another name, an unknown version, a malformed or invalid payload) is a [`Rejection`] and is
//! ignored, never a panic.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// The contract of one event. Implemented by each payload type below.
pub trait EventContract: Serialize + DeserializeOwned + 'static {
    /// `domain:event`, kebab-case: the DOM event type.
    const NAME: &'static str;
    /// Bumped on every change a consumer could not read.
    const VERSION: u32;
    /// The team (remote) that owns the contract and decides its evolution.
    const OWNER: &'static str;
    /// Who is known to listen, so an owner knows whom a change affects.
    const CONSUMERS: &'static [&'static str];
    const DESCRIPTION: &'static str;

    /// Rules a payload must satisfy beyond its shape. Consumers reject payloads that break them.
    fn validate(&self) -> Result<(), String> {
        Ok(())
    }
}

/// What a DOM event's `detail` holds: the payload plus what is needed to trace it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Envelope<P> {
    pub name: String,
    pub version: u32,
    /// `remote@version` of the publisher.
    pub publisher: String,
    /// Unique id of this publication.
    pub id: String,
    /// Milliseconds since the Unix epoch.
    pub time: f64,
    /// Links the event to the API calls of the same user action (`traceparent`).
    pub trace_id: String,
    pub payload: P,
}

/// Why a consumer ignored an event.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    #[error("detail is not an event envelope: {0}")]
    NotAnEnvelope(String),
    #[error("expected event {expected}, got {got}")]
    WrongName { expected: &'static str, got: String },
    #[error("version {got} is not supported (this consumer reads version {supported})")]
    UnknownVersion { got: u32, supported: u32 },
    #[error("payload does not match the contract: {0}")]
    MalformedPayload(String),
    #[error("payload breaks the contract: {0}")]
    Invalid(String),
}

/// Decodes an envelope of event `E` from the JSON text of a DOM event's `detail`.
pub fn decode<E: EventContract>(detail_json: &str) -> Result<Envelope<E>, Rejection> {
    let raw: Envelope<serde_json::Value> =
        serde_json::from_str(detail_json).map_err(|e| Rejection::NotAnEnvelope(e.to_string()))?;
    if raw.name != E::NAME {
        return Err(Rejection::WrongName { expected: E::NAME, got: raw.name });
    }
    if raw.version != E::VERSION {
        return Err(Rejection::UnknownVersion { got: raw.version, supported: E::VERSION });
    }
    let payload: E = serde_json::from_value(raw.payload)
        .map_err(|e| Rejection::MalformedPayload(e.to_string()))?;
    payload.validate().map_err(Rejection::Invalid)?;
    Ok(Envelope {
        name: raw.name,
        version: raw.version,
        publisher: raw.publisher,
        id: raw.id,
        time: raw.time,
        trace_id: raw.trace_id,
        payload,
    })
}

/// The contract of an event without its payload type: one row of the [`registry`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventSpec {
    pub name: &'static str,
    pub version: u32,
    pub owner: &'static str,
    pub consumers: &'static [&'static str],
    pub description: &'static str,
}

impl EventSpec {
    pub fn of<E: EventContract>() -> Self {
        Self {
            name: E::NAME,
            version: E::VERSION,
            owner: E::OWNER,
            consumers: E::CONSUMERS,
            description: E::DESCRIPTION,
        }
    }
}

/// Every event of the store. A new event is added here or it does not exist.
pub fn registry() -> Vec<EventSpec> {
    vec![
        EventSpec::of::<CartUpdated>(),
        EventSpec::of::<NotificationRequested>(),
        EventSpec::of::<NavigationRequested>(),
        EventSpec::of::<RouteChanged>(),
    ]
}

/// `cart:updated` v1: the number of items in the visitor's cart changed.
///
/// Published by whichever remote changed the cart through the cart API, with the count the API
/// answered. It is a notification only: the cart itself lives in the backend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CartUpdated {
    pub cart_id: String,
    pub item_count: u32,
}

impl EventContract for CartUpdated {
    const NAME: &'static str = "cart:updated";
    const VERSION: u32 = 1;
    const OWNER: &'static str = "cart";
    const CONSUMERS: &'static [&'static str] = &["shell-header"];
    const DESCRIPTION: &'static str = "The item count of the visitor's cart changed. Emitted after the cart API confirmed the change.";

    fn validate(&self) -> Result<(), String> {
        if self.cart_id.is_empty() {
            return Err("cartId is empty".into());
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NotificationLevel {
    Info,
    Success,
    Error,
}

/// `notification:requested` v1: a remote asks the shell to show a short global message (toast).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

    fn validate(&self) -> Result<(), String> {
        crate::routes::check_same_origin_path(&self.url)
    }
}

/// `platform:route-changed` v1: the shell's router moved to a new URL (link, Back/Forward or a
/// navigation request). Mounted remotes re-read the URL state they own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope(name: &str, version: u32, payload: serde_json::Value) -> String {
        serde_json::json!({
            "name": name, "version": version, "publisher": "product-details@0.1.0",
            "id": "e1", "time": 1.0, "traceId": "t1", "payload": payload,
        })
        .to_string()
    }

    #[test]
    fn decodes_a_valid_cart_updated() {
        let json = envelope("cart:updated", 1, serde_json::json!({"cartId": "c1", "itemCount": 4}));
        let event = decode::<CartUpdated>(&json).unwrap();
        assert_eq!(event.payload, CartUpdated { cart_id: "c1".into(), item_count: 4 });
        assert_eq!(event.publisher, "product-details@0.1.0");
    }

    #[test]
    fn cart_updated_payload_keeps_its_v1_shape() {
        // The wire shape consumers were promised; changing it needs a version bump.
        let payload = serde_json::to_value(CartUpdated { cart_id: "c".into(), item_count: 1 }).unwrap();
        assert_eq!(payload, serde_json::json!({"cartId": "c", "itemCount": 1}));
    }

    #[test]
    fn rejects_what_it_cannot_read() {
        let good = serde_json::json!({"cartId": "c1", "itemCount": 4});
        let cases = [
            (envelope("cart:updated", 2, good.clone()), "version"),
            (envelope("cart:changed", 1, good), "name"),
            (envelope("cart:updated", 1, serde_json::json!({"cartId": "c1"})), "missing"),
            (envelope("cart:updated", 1, serde_json::json!({"cartId": "c1", "itemCount": -1})), "negative"),
            (envelope("cart:updated", 1, serde_json::json!({"cartId": "c1", "itemCount": "4"})), "type"),
            (envelope("cart:updated", 1, serde_json::json!({"cartId": "", "itemCount": 4})), "empty id"),
            (envelope("cart:updated", 1, serde_json::json!(7)), "non-object"),
            ("null".to_string(), "null detail"),
            ("{\"itemCount\":4}".to_string(), "bare payload"),
        ];
        for (json, why) in cases {
            assert!(decode::<CartUpdated>(&json).is_err(), "accepted a {why} event: {json}");
        }
    }

    #[test]
    fn navigation_requests_stay_on_this_origin() {
        for url in ["https://evil.test/", "//evil.test/x", "javascript:alert(1)", "products/1", ""] {
            let json = envelope(
                "platform:navigation-requested",
                1,
                serde_json::json!({"url": url, "replace": false}),
            );
            assert!(decode::<NavigationRequested>(&json).is_err(), "accepted {url}");
        }
        let json = envelope(
            "platform:navigation-requested",
            1,
            serde_json::json!({"url": "/categories/tractors?page=2", "replace": true}),
        );
        assert!(decode::<NavigationRequested>(&json).is_ok());
    }

    #[test]
    fn registry_names_follow_the_naming_rule_and_are_unique() {
        let specs = registry();
        for spec in &specs {
            let (domain, event) = spec.name.split_once(':').expect("domain:event");
            let kebab = |s: &str| {
                !s.is_empty()
                    && !s.starts_with('-')
                    && !s.ends_with('-')
                    && s.chars().all(|c| c.is_ascii_lowercase() || c == '-')
            };
            assert!(kebab(domain) && kebab(event), "{} is not domain:event kebab-case", spec.name);
            assert!(!spec.owner.is_empty() && !spec.consumers.is_empty() && !spec.description.is_empty());
            assert!(spec.version >= 1);
        }
        let mut names: Vec<_> = specs.iter().map(|s| (s.name, s.version)).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), specs.len(), "an event is declared twice");
    }
}

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

mod cart;
mod catalog;
mod checkout;
mod platform;
mod user;

pub use cart::{CartItemAdded, CartUpdated};
pub use catalog::{CatalogProductClicked, SearchSubmitted};
pub use checkout::{CheckoutCompleted, CheckoutPaymentSubmitted, OrderPlaced};
pub use platform::{
    ConsumeOutcome, EventConsumed, LocaleChanged, NavigationRequested, NotificationLevel, NotificationRequested,
    RouteChanged, ThemeChanged,
};
pub use user::{UserLoggedIn, UserLoggedOut};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// The contract of one event. Implemented by each payload type below.
pub trait EventContract: Serialize + DeserializeOwned + MaybeSchema + 'static {
    /// `domain:event`, kebab-case: the DOM event type.
    const NAME: &'static str;
    /// Bumped on every change a consumer could not read.
    const VERSION: u32;
    /// The team (remote) that owns the contract and decides its evolution.
    const OWNER: &'static str;
    /// Who is known to listen, so an owner knows whom a change affects.
    const CONSUMERS: &'static [&'static str];
    const DESCRIPTION: &'static str;

    /// A typical payload: documentation, size checks and the event inspector's samples.
    fn example() -> Self;

    /// Rules a payload must satisfy beyond its shape. Consumers reject payloads that break them.
    fn validate(&self) -> Result<(), String> {
        Ok(())
    }
}

/// With the `schema` feature every payload also describes itself as a JSON Schema; without it
/// (the wasm builds) this bound is empty so no schema code ships to browsers.
#[cfg(feature = "schema")]
pub trait MaybeSchema: schemars::JsonSchema {}
#[cfg(feature = "schema")]
impl<T: schemars::JsonSchema> MaybeSchema for T {}
#[cfg(not(feature = "schema"))]
pub trait MaybeSchema {}
#[cfg(not(feature = "schema"))]
impl<T> MaybeSchema for T {}

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

/// Decodes an envelope of event `E` from the JSON text of a DOM event's `detail` (the browser
/// reads the `detail` object itself, with the same rules: `browser::events::decode_detail`).
pub fn decode<E: EventContract>(detail_json: &str) -> Result<Envelope<E>, Rejection> {
    let raw: Envelope<serde_json::Value> =
        serde_json::from_str(detail_json).map_err(|e| Rejection::NotAnEnvelope(e.to_string()))?;
    check_contract::<E>(&raw.name, raw.version)?;
    let payload: E = serde_json::from_value(raw.payload).map_err(|e| Rejection::MalformedPayload(e.to_string()))?;
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

/// An envelope named `name` at `version` is event `E` as this consumer reads it.
pub fn check_contract<E: EventContract>(name: &str, version: u32) -> Result<(), Rejection> {
    check_name_version(E::NAME, E::VERSION, name, version)
}

/// The same check for a listener that knows an event by its name and version only (one that
/// passes payloads on without decoding them, such as analytics).
pub fn check_name_version(expected: &'static str, supported: u32, name: &str, version: u32) -> Result<(), Rejection> {
    if name != expected {
        return Err(Rejection::WrongName { expected, got: name.to_string() });
    }
    if version != supported {
        return Err(Rejection::UnknownVersion { got: version, supported });
    }
    Ok(())
}

/// Every event's name and current version, without its payload type: what a listener for every
/// event needs (the shell's recorder for the inspector, the analytics layer), at no cost in
/// decoders. Kept equal to [`registry`] by a test.
pub const CATALOGUE: &[(&str, u32)] = &[
    (CartUpdated::NAME, CartUpdated::VERSION),
    (CartItemAdded::NAME, CartItemAdded::VERSION),
    (CatalogProductClicked::NAME, CatalogProductClicked::VERSION),
    (SearchSubmitted::NAME, SearchSubmitted::VERSION),
    (CheckoutPaymentSubmitted::NAME, CheckoutPaymentSubmitted::VERSION),
    (CheckoutCompleted::NAME, CheckoutCompleted::VERSION),
    (OrderPlaced::NAME, OrderPlaced::VERSION),
    (UserLoggedIn::NAME, UserLoggedIn::VERSION),
    (UserLoggedOut::NAME, UserLoggedOut::VERSION),
    (NotificationRequested::NAME, NotificationRequested::VERSION),
    (ThemeChanged::NAME, ThemeChanged::VERSION),
    (LocaleChanged::NAME, LocaleChanged::VERSION),
    (NavigationRequested::NAME, NavigationRequested::VERSION),
    (RouteChanged::NAME, RouteChanged::VERSION),
    (EventConsumed::NAME, EventConsumed::VERSION),
];

/// The contract of an event without its payload type: one row of the [`registry`].
#[derive(Debug, Clone, Copy)]
pub struct EventSpec {
    pub name: &'static str,
    pub version: u32,
    pub owner: &'static str,
    pub consumers: &'static [&'static str],
    pub description: &'static str,
    /// The example payload as JSON.
    pub example: fn() -> serde_json::Value,
    /// Reads a payload as this event's and checks its rules: for a listener that was handed the
    /// payload undecoded (cart-api, for the analytics layer's batches).
    pub check: fn(&serde_json::Value) -> Result<(), Rejection>,
    /// The payload's JSON Schema.
    #[cfg(feature = "schema")]
    pub schema: fn() -> serde_json::Value,
}

impl EventSpec {
    pub fn of<E: EventContract>() -> Self {
        Self {
            name: E::NAME,
            version: E::VERSION,
            owner: E::OWNER,
            consumers: E::CONSUMERS,
            description: E::DESCRIPTION,
            example: || serde_json::to_value(E::example()).unwrap_or_default(),
            check: |payload| {
                let payload = E::deserialize(payload).map_err(|e| Rejection::MalformedPayload(e.to_string()))?;
                payload.validate().map_err(Rejection::Invalid)
            },
            #[cfg(feature = "schema")]
            schema: || serde_json::to_value(schemars::schema_for!(E)).unwrap_or_default(),
        }
    }
}

/// Every event of the store. A new event is added here or it does not exist.
pub fn registry() -> Vec<EventSpec> {
    vec![
        EventSpec::of::<CartUpdated>(),
        EventSpec::of::<CartItemAdded>(),
        EventSpec::of::<CatalogProductClicked>(),
        EventSpec::of::<SearchSubmitted>(),
        EventSpec::of::<CheckoutPaymentSubmitted>(),
        EventSpec::of::<CheckoutCompleted>(),
        EventSpec::of::<OrderPlaced>(),
        EventSpec::of::<UserLoggedIn>(),
        EventSpec::of::<UserLoggedOut>(),
        EventSpec::of::<NotificationRequested>(),
        EventSpec::of::<ThemeChanged>(),
        EventSpec::of::<LocaleChanged>(),
        EventSpec::of::<NavigationRequested>(),
        EventSpec::of::<RouteChanged>(),
        EventSpec::of::<EventConsumed>(),
    ]
}

/// An older version of an event that consumers still accept, and until when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deprecation {
    pub name: &'static str,
    pub version: u32,
    /// ISO date after which consumers may stop reading this version.
    pub accepted_until: &'static str,
}

/// Versions replaced by a newer one but still inside their deprecation window. Empty while
/// every event is at its first version; see `docs/events.md` for the rules.
pub const DEPRECATED: &[Deprecation] = &[];

/// The rules every event contract follows.
pub const COMPATIBILITY_RULES: &str = "Within a version, only optional fields may be added. \
Removing or renaming a field, changing its type or adding a required field needs a new version; \
the previous version stays accepted by consumers for a 90-day deprecation window (listed in `DEPRECATED`).";

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
            let json = envelope("platform:navigation-requested", 1, serde_json::json!({"url": url, "replace": false}));
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

    #[test]
    fn the_catalogue_lists_the_registry() {
        let registry: Vec<_> = registry().iter().map(|s| (s.name, s.version)).collect();
        assert_eq!(CATALOGUE, registry.as_slice());
    }
}

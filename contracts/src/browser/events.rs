//! Events on `window` as DOM `CustomEvent`s whose `detail` is a plain JSON object.

use gloo_events::EventListener;
use wasm_bindgen::{JsCast, JsValue};

use crate::events::{decode, ConsumeOutcome, Envelope, EventConsumed, EventContract};

/// A new W3C trace id (32 hex characters) for one user action: send it to the API as
/// `traceparent` and publish the resulting events with it.
pub fn new_trace_id() -> String {
    super::random_hex(32)
}

/// Publishes `payload` as event `E` on `window`.
///
/// `publisher` is `remote@version`, e.g. `concat!("product-details@", env!("CARGO_PKG_VERSION"))`.
pub fn publish<E: EventContract>(publisher: &str, trace_id: &str, payload: E) {
    let envelope = Envelope {
        name: E::NAME.to_string(),
        version: E::VERSION,
        publisher: publisher.to_string(),
        id: super::random_hex(16),
        time: js_sys::Date::now(),
        trace_id: trace_id.to_string(),
        payload,
    };
    let Some(window) = web_sys::window() else { return };
    // Through JSON so `detail` is a plain object any framework can read, not a wasm handle.
    let detail = serde_json::to_string(&envelope)
        .ok()
        .and_then(|json| js_sys::JSON::parse(&json).ok())
        .unwrap_or(JsValue::NULL);
    let init = web_sys::CustomEventInit::new();
    init.set_detail(&detail);
    if let Ok(event) = web_sys::CustomEvent::new_with_event_init_dict(E::NAME, &init) {
        let _ = window.dispatch_event(&event);
    }
}

/// Calls `handler` for every valid `E` published on `window` until the returned listener is
/// dropped. Events this consumer cannot read are ignored and logged with the reason.
///
/// `consumer` names the listener in the log, e.g. `"shell-header"`.
pub fn subscribe<E, F>(consumer: &'static str, mut handler: F) -> EventListener
where
    E: EventContract,
    F: FnMut(Envelope<E>) + 'static,
{
    let window = web_sys::window().expect("subscribe runs in a browser window");
    EventListener::new(&window, E::NAME, move |event| {
        let detail = event
            .dyn_ref::<web_sys::CustomEvent>()
            .map(|e| e.detail())
            .unwrap_or(JsValue::UNDEFINED);
        let json = js_sys::JSON::stringify(&detail)
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_default();
        match decode::<E>(&json) {
            Ok(envelope) => {
                let id = envelope.id.clone();
                handler(envelope);
                report(consumer, E::NAME, id, ConsumeOutcome::Handled, None);
            }
            Err(reason) => {
                web_sys::console::warn_1(&format!("[events] {consumer} ignored {}: {reason}", E::NAME).into());
                let id = event_id(&detail);
                report(consumer, E::NAME, id, ConsumeOutcome::Rejected, Some(reason.to_string()));
            }
        }
    })
}

/// The `id` of an envelope-looking detail, or empty.
fn event_id(detail: &JsValue) -> String {
    js_sys::Reflect::get(detail, &"id".into())
        .ok()
        .and_then(|id| id.as_string())
        .filter(|id| id.len() <= 64)
        .unwrap_or_default()
}

/// Tells the event inspector what this consumer did with an event.
fn report(consumer: &str, name: &str, event_id: String, outcome: ConsumeOutcome, reason: Option<String>) {
    // Reporting on a report would never end.
    if name == EventConsumed::NAME {
        return;
    }
    publish(
        consumer,
        "",
        EventConsumed { event_id, name: name.to_string(), consumer: consumer.to_string(), outcome, reason },
    );
}

//! Events on `window` as DOM `CustomEvent`s whose `detail` is a plain object (the envelope).

use gloo_events::EventListener;
use wasm_bindgen::{JsCast, JsValue};

use super::js::{from_js, get, to_js};
use crate::events::{ConsumeOutcome, Envelope, EventConsumed, EventContract, Rejection};

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
    // A plain object any framework can read, not a wasm handle.
    let init = web_sys::CustomEventInit::new();
    init.set_detail(&to_js(&envelope));
    if let Ok(event) = web_sys::CustomEvent::new_with_event_init_dict(E::NAME, &init) {
        let _ = window.dispatch_event(&event);
    }
}

/// An envelope with its payload left as the publisher sent it: for listeners that pass events on
/// (the analytics layer, whose server checks every payload against its contract) or show them
/// (the inspector) without a decoder for every payload type.
#[derive(Debug, Clone)]
pub struct RawEnvelope {
    pub name: String,
    pub version: u32,
    pub publisher: String,
    pub id: String,
    pub time: f64,
    pub trace_id: String,
    pub payload: JsValue,
}

/// Reads the envelope of a DOM event's `detail`, not its payload.
pub fn decode_raw(detail: &JsValue) -> Result<RawEnvelope, Rejection> {
    if !detail.is_object() {
        return Err(Rejection::NotAnEnvelope("detail is not an object".into()));
    }
    let text = |key: &str| {
        get(detail, key).as_string().ok_or_else(|| Rejection::NotAnEnvelope(format!("{key} is not a string")))
    };
    let version = get(detail, "version")
        .as_f64()
        .filter(|v| v.fract() == 0.0 && (0.0..=u32::MAX as f64).contains(v))
        .ok_or_else(|| Rejection::NotAnEnvelope("version is not a whole number".into()))? as u32;
    let time = get(detail, "time").as_f64().ok_or_else(|| Rejection::NotAnEnvelope("time is not a number".into()))?;
    Ok(RawEnvelope {
        name: text("name")?,
        version,
        publisher: text("publisher")?,
        id: text("id")?,
        time,
        trace_id: text("traceId")?,
        payload: get(detail, "payload"),
    })
}

/// Decodes the `detail` of a DOM event as event `E`, with the same rules as
/// [`crate::events::decode`]: anything but exactly this contract is a [`Rejection`].
pub fn decode_detail<E: EventContract>(detail: &JsValue) -> Result<Envelope<E>, Rejection> {
    let raw = decode_raw(detail)?;
    crate::events::check_contract::<E>(&raw.name, raw.version)?;
    let payload: E = from_js(raw.payload).map_err(Rejection::MalformedPayload)?;
    payload.validate().map_err(Rejection::Invalid)?;
    let RawEnvelope { name, version, publisher, id, time, trace_id, .. } = raw;
    Ok(Envelope { name, version, publisher, id, time, trace_id, payload })
}

/// The `detail` of a DOM event, or `undefined`.
pub fn detail(event: &web_sys::Event) -> JsValue {
    event.dyn_ref::<web_sys::CustomEvent>().map(|e| e.detail()).unwrap_or(JsValue::UNDEFINED)
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
        let detail = detail(event);
        match decode_detail::<E>(&detail) {
            Ok(envelope) => {
                let id = envelope.id.clone();
                handler(envelope);
                report(consumer, E::NAME, id, ConsumeOutcome::Handled, None);
            }
            Err(reason) => {
                let reason = reason.to_string();
                web_sys::console::warn_1(&format!("[events] {consumer} ignored {}: {reason}", E::NAME).into());
                report(consumer, E::NAME, event_id(&detail), ConsumeOutcome::Rejected, Some(reason));
            }
        }
    })
}

/// The `id` of an envelope-looking detail, or empty.
pub fn event_id(detail: &JsValue) -> String {
    get(detail, "id").as_string().filter(|id| id.len() <= 64).unwrap_or_default()
}

/// Tells the event inspector what this consumer did with an event.
pub fn report(consumer: &str, name: &str, event_id: String, outcome: ConsumeOutcome, reason: Option<String>) {
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

//! The analytics layer, owned by the shell: remotes publish domain events; this layer adds the
//! route, the shell's version and the time, and sends them in batches to
//! `POST /api/analytics/events`.
//!
//! It reads each event's envelope and passes the payload on as it came: cart-api checks every
//! payload against its contract (and that it carries no personal data) before storing it. So the
//! shell, loaded on every page, carries no decoder for the payloads it forwards.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use contracts::browser::events::{decode_raw, detail, event_id, report};
use contracts::events::check_name_version;
use contracts::events::{
    CartItemAdded, CartUpdated, CatalogProductClicked, CheckoutCompleted, CheckoutPaymentSubmitted, ConsumeOutcome,
    EventContract, OrderPlaced, SearchSubmitted, CATALOGUE,
};
use gloo_events::EventListener;
use js_sys::{Array, Object, Reflect};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsValue;

use crate::platform::SHELL;

const ENDPOINT: &str = "/api/analytics/events";
const CONSUMER: &str = "analytics";
const FLUSH_EVERY: Duration = Duration::from_secs(2);
/// A batch this large is sent at once.
const BATCH: u32 = 20;

/// The events analytics tracks (the article's section 20).
const TRACKED: [&str; 7] = [
    CartUpdated::NAME,
    CartItemAdded::NAME,
    CatalogProductClicked::NAME,
    SearchSubmitted::NAME,
    CheckoutPaymentSubmitted::NAME,
    CheckoutCompleted::NAME,
    OrderPlaced::NAME,
];

/// Subscribes to the analytics events and starts sending batches.
pub fn start() {
    let queue: Rc<RefCell<Array>> = Rc::new(RefCell::new(Array::new()));
    let Some(window) = web_sys::window() else { return };
    for (name, version) in CATALOGUE.iter().copied().filter(|(name, _)| TRACKED.contains(name)) {
        let queue = queue.clone();
        EventListener::new(&window, name, move |event| {
            let detail = detail(event);
            match decode_raw(&detail).and_then(|e| check_name_version(name, version, &e.name, e.version).map(|()| e)) {
                Ok(envelope) => {
                    queue.borrow().push(&record(&envelope));
                    report(CONSUMER, name, envelope.id, ConsumeOutcome::Handled, None);
                    if queue.borrow().length() >= BATCH {
                        flush(&queue);
                    }
                }
                Err(reason) => {
                    report(CONSUMER, name, event_id(&detail), ConsumeOutcome::Rejected, Some(reason.to_string()))
                }
            }
        })
        .forget();
    }
    set_interval(move || flush(&queue), FLUSH_EVERY);
}

/// One `AnalyticsEvent` (`contracts::api`), built as the plain object it is on the wire.
fn record(envelope: &contracts::browser::events::RawEnvelope) -> JsValue {
    let route = web_sys::window()
        .map(|w| w.location())
        .map(|l| format!("{}{}", l.pathname().unwrap_or_default(), l.search().unwrap_or_default()))
        .unwrap_or_default();
    let object = Object::new();
    let set = |key: &str, value: &JsValue| {
        let _ = Reflect::set(&object, &key.into(), value);
    };
    set("name", &envelope.name.as_str().into());
    set("version", &envelope.version.into());
    set("publisher", &envelope.publisher.as_str().into());
    set("shell", &SHELL.into());
    set("route", &route.into());
    set("time", &envelope.time.into());
    set("payload", &envelope.payload);
    object.into()
}

fn flush(queue: &Rc<RefCell<Array>>) {
    let events = queue.replace(Array::new());
    if events.length() == 0 {
        return;
    }
    spawn_local(async move {
        let batch = Object::new();
        let _ = Reflect::set(&batch, &"events".into(), &events);
        if let Err(e) = contracts::browser::http::post_js(ENDPOINT, &batch.into()).await {
            // Analytics is best effort: a lost batch must never disturb the shopper.
            web_sys::console::warn_1(&format!("[analytics] batch dropped: {e}").into());
        }
    });
}

//! The analytics layer, owned by the shell: remotes publish domain events; this layer adds the
//! route, the shell's version and the time, and sends them in batches to
//! `POST /api/analytics/events`. It forwards the contracts' payloads only, which carry no
//! personal data (the contract tests enforce that).

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use contracts::api::{AnalyticsBatch, AnalyticsEvent};
use contracts::events::{
    CartItemAdded, CartUpdated, CatalogProductClicked, CheckoutCompleted, CheckoutPaymentSubmitted, Envelope,
    EventContract, OrderPlaced, SearchSubmitted,
};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::platform::SHELL;

const ENDPOINT: &str = "/api/analytics/events";
const FLUSH_EVERY: Duration = Duration::from_secs(2);
/// A batch this large is sent at once.
const BATCH: usize = 20;

type Queue = Rc<RefCell<Vec<AnalyticsEvent>>>;

/// Subscribes to the analytics events and starts sending batches.
pub fn start() {
    let queue: Queue = Rc::default();
    track::<CartUpdated>(&queue);
    track::<CartItemAdded>(&queue);
    track::<CatalogProductClicked>(&queue);
    track::<SearchSubmitted>(&queue);
    track::<CheckoutPaymentSubmitted>(&queue);
    track::<CheckoutCompleted>(&queue);
    track::<OrderPlaced>(&queue);
    set_interval(move || flush(&queue), FLUSH_EVERY);
}

fn track<E: EventContract>(queue: &Queue) {
    let queue = queue.clone();
    contracts::browser::events::subscribe::<E, _>("analytics", move |e: Envelope<E>| {
        let route = web_sys::window()
            .map(|w| w.location())
            .map(|l| format!("{}{}", l.pathname().unwrap_or_default(), l.search().unwrap_or_default()))
            .unwrap_or_default();
        queue.borrow_mut().push(AnalyticsEvent {
            name: e.name,
            version: e.version,
            publisher: e.publisher,
            shell: SHELL.to_string(),
            route,
            time: e.time,
            payload: serde_json::to_value(&e.payload).unwrap_or_default(),
        });
        if queue.borrow().len() >= BATCH {
            flush(&queue);
        }
    })
    .forget();
}

fn flush(queue: &Queue) {
    let events: Vec<AnalyticsEvent> = queue.borrow_mut().drain(..).collect();
    if events.is_empty() {
        return;
    }
    spawn_local(async move {
        let batch = AnalyticsBatch { events };
        if let Err(e) = contracts::browser::http::send_json::<_, serde_json::Value>("POST", ENDPOINT, &batch, "").await {
            // Analytics is best effort: a lost batch must never disturb the shopper.
            web_sys::console::warn_1(&format!("[analytics] batch dropped: {e}").into());
        }
    });
}

//! The inspector's log of the page's events: every published event and what its consumers did
//! with it, in the order the shell's recorder saw them.

use std::cell::RefCell;

use contracts::browser::js::get;
use contracts::events::{ConsumeOutcome, Envelope, EventConsumed};
use leptos::prelude::*;
use wasm_bindgen::JsValue;

const MAX_RECORDS: usize = 200;

#[derive(Debug, Clone, PartialEq)]
pub struct Consumption {
    pub consumer: String,
    pub outcome: ConsumeOutcome,
    pub reason: Option<String>,
    /// When the consumer reported it (epoch ms, its own clock reading).
    pub time: f64,
}

/// One published event as the page saw it.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub seq: u64,
    pub id: String,
    pub name: String,
    pub version: Option<u32>,
    pub publisher: String,
    pub trace_id: String,
    pub time: f64,
    pub route: String,
    pub payload: String,
    pub consumers: Vec<Consumption>,
}

impl Record {
    pub fn to_json(&self, shell: &str) -> serde_json::Value {
        serde_json::json!({
            "id": self.id, "name": self.name, "version": self.version, "publisher": self.publisher,
            "traceId": self.trace_id, "time": self.time, "route": self.route, "shell": shell,
            "payload": serde_json::from_str::<serde_json::Value>(&self.payload).unwrap_or(serde_json::Value::Null),
            "consumers": self.consumers.iter().map(|c| serde_json::json!({
                "consumer": c.consumer,
                "outcome": match c.outcome { ConsumeOutcome::Handled => "handled", ConsumeOutcome::Rejected => "rejected" },
                "reason": c.reason,
            })).collect::<Vec<_>>(),
        })
    }
}

thread_local! {
    /// The log of the mounted inspector, for the shell's `record` calls.
    static LOG: RefCell<Option<EventLog>> = const { RefCell::new(None) };
}

/// What the page saw: every event and what its consumers did with it.
#[derive(Clone, Copy)]
pub struct EventLog {
    pub records: RwSignal<Vec<Record>>,
    seq: StoredValue<u64>,
}

impl EventLog {
    /// A log of what the shell recorded so far; later events arrive through [`record`], in the
    /// order the shell's recorder saw them. The recorder listens before any consumer, so every
    /// event comes before the reports of its consumers.
    pub fn start(backlog: &js_sys::Array) -> Self {
        let log = EventLog { records: RwSignal::new(Vec::new()), seq: StoredValue::new(0) };
        for entry in backlog.iter() {
            log.add(&entry);
        }
        LOG.with(|l| *l.borrow_mut() = Some(log));
        log
    }

    /// One entry `{ type, detail, time, route }` as the shell recorded it.
    fn add(&self, entry: &JsValue) {
        let name = get(entry, "type").as_string().unwrap_or_default();
        let detail = get(entry, "detail");
        let route = get(entry, "route").as_string().unwrap_or_default();
        let time = get(entry, "time").as_f64().unwrap_or_else(js_sys::Date::now);
        let json =
            js_sys::JSON::stringify(&detail).ok().and_then(|s| s.as_string()).unwrap_or_else(|| "undefined".into());
        if name == <EventConsumed as contracts::events::EventContract>::NAME {
            let Ok(e) = serde_json::from_str::<Envelope<EventConsumed>>(&json) else { return };
            let c = e.payload;
            self.records.update(|r| {
                // By id; an event without one (malformed) is the latest of that name.
                let target = r.iter_mut().rev().find(|rec| {
                    if c.event_id.is_empty() {
                        rec.name == c.name
                    } else {
                        rec.id == c.event_id
                    }
                });
                if let Some(rec) = target {
                    rec.consumers.push(Consumption {
                        consumer: c.consumer,
                        outcome: c.outcome,
                        reason: c.reason,
                        time: e.time,
                    });
                }
            });
            return;
        }
        let envelope = serde_json::from_str::<Envelope<serde_json::Value>>(&json).ok();
        let n = self.seq.get_value() + 1;
        self.seq.set_value(n);
        let record = match envelope {
            Some(e) => Record {
                seq: n,
                id: e.id,
                name: e.name,
                version: Some(e.version),
                publisher: e.publisher,
                trace_id: e.trace_id,
                time: e.time,
                route,
                payload: e.payload.to_string(),
                consumers: Vec::new(),
            },
            None => Record {
                seq: n,
                id: String::new(),
                name,
                version: None,
                publisher: "unknown (not an envelope)".into(),
                trace_id: String::new(),
                time,
                route,
                payload: json,
                consumers: Vec::new(),
            },
        };
        self.records.update(|r| {
            r.push(record);
            let excess = r.len().saturating_sub(MAX_RECORDS);
            r.drain(..excess);
        });
    }
}

/// Adds an entry the shell recorded after `mount` (see [`EventLog::start`]).
pub fn record(entry: &JsValue) {
    if let Some(log) = LOG.with(|l| *l.borrow()) {
        log.add(entry);
    }
}

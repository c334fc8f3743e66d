//! The inspector's views and its log of the page's events.

use std::cell::RefCell;

use contracts::browser::js::get;
use contracts::events::{ConsumeOutcome, Envelope, EventConsumed};
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

const MAX_RECORDS: usize = 200;

#[derive(Debug, Clone, PartialEq)]
struct Consumption {
    consumer: String,
    outcome: ConsumeOutcome,
    reason: Option<String>,
}

/// One published event as the page saw it.
#[derive(Debug, Clone, PartialEq)]
struct Record {
    seq: u64,
    id: String,
    name: String,
    version: Option<u32>,
    publisher: String,
    trace_id: String,
    time: f64,
    route: String,
    payload: String,
    consumers: Vec<Consumption>,
}

impl Record {
    fn to_json(&self, shell: &str) -> serde_json::Value {
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
    records: RwSignal<Vec<Record>>,
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
                    rec.consumers.push(Consumption { consumer: c.consumer, outcome: c.outcome, reason: c.reason });
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

#[component]
pub fn Inspector(log: EventLog, shell: String) -> impl IntoView {
    let records = log.records;
    // Loaded because the visitor asked for it: it opens at once.
    let open = RwSignal::new(true);
    let boundaries = RwSignal::new(false);
    let filter = RwSignal::new(String::new());
    let tab = RwSignal::new("events");

    window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.alt_key() && ev.shift_key() && ev.code() == "KeyE" {
            open.update(|o| *o = !*o);
        }
    });

    Effect::new(move |_| {
        let on = boundaries.get();
        if let Some(root) = document().document_element() {
            let _ =
                if on { root.set_attribute("data-boundaries", "on") } else { root.remove_attribute("data-boundaries") };
        }
    });

    let shell = StoredValue::new(shell);
    let export = move |_| {
        let json = serde_json::to_string_pretty(
            &records.with(|r| r.iter().map(|rec| shell.with_value(|s| rec.to_json(s))).collect::<Vec<_>>()),
        )
        .unwrap_or_default();
        download("events.json", &json);
    };

    let visible = move || {
        let f = filter.get().to_lowercase();
        records.with(|r| {
            r.iter()
                .rev()
                .filter(|rec| {
                    f.is_empty()
                        || rec.name.contains(&f)
                        || rec.publisher.contains(&f)
                        || rec.payload.to_lowercase().contains(&f)
                })
                .cloned()
                .collect::<Vec<_>>()
        })
    };

    view! {
        <Show when=move || open.get()>
            <aside class="inspector" data-testid="event-inspector" aria-label="Event inspector">
                <div class="inspector-bar">
                    <strong>"Event inspector"</strong>
                    <button type="button" class="inspector-tab" aria-pressed=move || (tab.get() == "events").to_string()
                        on:click=move |_| tab.set("events")>"Events"</button>
                    <button type="button" class="inspector-tab" aria-pressed=move || (tab.get() == "sequence").to_string()
                        on:click=move |_| tab.set("sequence")>"Last action"</button>
                    <label class="inspector-toggle">
                        <input type="checkbox" data-testid="boundary-toggle" prop:checked=move || boundaries.get()
                            on:change=move |ev| boundaries.set(event_target_checked(&ev)) />
                        " Show boundaries"
                    </label>
                    <button type="button" on:click=export>"Export JSON"</button>
                    <button type="button" aria-label="Close the inspector" on:click=move |_| open.set(false)>"×"</button>
                </div>
                <Show when=move || tab.get() == "events" fallback=move || view! { <Sequence records /> }>
                    <input class="inspector-filter" type="search" placeholder="Filter by name, publisher or payload"
                        aria-label="Filter events" on:input=move |ev| filter.set(event_target_value(&ev)) />
                    <ol class="inspector-list">
                        <For each=visible key=|r| (r.seq, r.consumers.len()) let:rec>
                            <EventRow rec shell=shell.get_value() />
                        </For>
                    </ol>
                </Show>
            </aside>
        </Show>
    }
}

#[component]
fn EventRow(rec: Record, shell: String) -> impl IntoView {
    let version = rec.version.map(|v| format!("v{v}")).unwrap_or_else(|| "v?".into());
    let time = js_sys::Date::new(&JsValue::from_f64(rec.time)).to_locale_time_string("en-GB");
    view! {
        <li class="inspector-event" data-testid="inspector-event" data-event=rec.name.clone()>
            <div class="inspector-event-head">
                <code>{rec.name.clone()}</code>
                <span>{version}</span>
                <span>"from " {rec.publisher.clone()}</span>
                <span>{String::from(time)}</span>
                <span>"on " {rec.route.clone()}</span>
                <span>"shell " {shell}</span>
            </div>
            <ul class="inspector-consumers">
                {rec.consumers.iter().map(|c| {
                    let (class, label) = match c.outcome {
                        ConsumeOutcome::Handled => ("handled", "handled"),
                        ConsumeOutcome::Rejected => ("rejected", "rejected"),
                    };
                    view! {
                        <li class=format!("inspector-{class}") data-testid=format!("consumer-{class}")>
                            {c.consumer.clone()} " " {label}
                            {c.reason.clone().map(|r| format!(": {r}"))}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <pre class="inspector-payload">{rec.payload.clone()}</pre>
        </li>
    }
}

/// The last user action as a sequence: who did what, in the order it happened.
#[component]
fn Sequence(records: RwSignal<Vec<Record>>) -> impl IntoView {
    let steps = move || {
        records.with(|all| {
            // The latest event a remote published on behalf of the user starts the action.
            let Some(last) = all.iter().rev().find(|r| !r.trace_id.is_empty() && !r.publisher.starts_with("shell"))
            else {
                return Vec::new();
            };
            let action: Vec<&Record> = all.iter().filter(|r| r.trace_id == last.trace_id).collect();
            let first = action.first().map(|r| r.time).unwrap_or(last.time);
            let actor = last.publisher.split('@').next().unwrap_or_default().to_string();
            let mut steps = vec![("User".to_string(), actor.clone(), "acts".to_string())];
            steps.extend(api_calls_before(first).into_iter().flat_map(|(path, total, server)| {
                let server = server.map(|s| format!(", server {s:.1} ms")).unwrap_or_default();
                [
                    (actor.clone(), "Cart API".to_string(), format!("{path} ({total:.1} ms{server})")),
                    ("Cart API".to_string(), actor.clone(), "answers".to_string()),
                ]
            }));
            for rec in action {
                let payload = rec.payload.clone();
                steps.push((
                    actor.clone(),
                    "window".to_string(),
                    format!("{} v{} {payload}", rec.name, rec.version.unwrap_or(0)),
                ));
                for c in &rec.consumers {
                    let verb = match c.outcome {
                        ConsumeOutcome::Handled => "handles",
                        ConsumeOutcome::Rejected => "rejects",
                    };
                    steps.push(("window".to_string(), c.consumer.clone(), format!("{verb} {}", rec.name)));
                }
            }
            steps
        })
    };
    view! {
        <ol class="inspector-sequence" data-testid="inspector-sequence">
            {move || {
                let steps = steps();
                if steps.is_empty() {
                    return view! { <li>"No user action yet: add something to the cart."</li> }.into_any();
                }
                steps.into_iter().map(|(from, to, what)| view! {
                    <li data-testid="sequence-step"><strong>{from}</strong>" → "<strong>{to}</strong>": "{what}</li>
                }).collect_view().into_any()
            }}
        </ol>
    }
}

/// The API call that started before `time` (epoch ms) and ended in the 3 s around it, with the
/// total and the server's own duration (`Server-Timing: app;dur=`). Calls that consumers make in
/// answer to the action's events start after it, so they are not mistaken for its cause.
fn api_calls_before(time: f64) -> Vec<(String, f64, Option<f64>)> {
    let Some(performance) = web_sys::window().and_then(|w| w.performance()) else { return Vec::new() };
    let origin = performance.time_origin();
    let mut calls: Vec<(f64, String, f64, Option<f64>)> = performance
        .get_entries_by_type("resource")
        .iter()
        .filter_map(|e| e.dyn_into::<web_sys::PerformanceResourceTiming>().ok())
        .filter(|e| e.name().contains("/api/") && e.initiator_type() == "fetch")
        .filter_map(|e| {
            let end = origin + e.response_end();
            if origin + e.start_time() >= time || end > time + 50.0 || end < time - 3000.0 {
                return None;
            }
            let server = e
                .server_timing()
                .iter()
                .filter_map(|t| t.dyn_into::<web_sys::PerformanceServerTiming>().ok())
                .find(|t| t.name() == "app")
                .map(|t| t.duration());
            let path = web_sys::Url::new(&e.name()).map(|u| u.pathname()).unwrap_or_else(|_| e.name());
            Some((end, path, e.duration(), server))
        })
        .collect();
    calls.sort_by(|a, b| a.0.total_cmp(&b.0));
    calls.into_iter().rev().take(1).map(|(_, p, d, s)| (p, d, s)).collect()
}

fn download(file: &str, text: &str) {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    if let Ok(a) = document().create_element("a") {
        let _ = a.set_attribute("href", &url);
        let _ = a.set_attribute("download", file);
        if let Some(a) = a.dyn_ref::<web_sys::HtmlElement>() {
            a.click();
        }
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

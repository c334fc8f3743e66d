//! The last user actions as sequences: who sent what to whom, in time order, built from what
//! really happened in the page: the event log and the API calls `contracts::browser::http`
//! measured. One trace id is one action, the id the remote put in the call's `traceparent` and
//! in the envelopes it published. The diagram, the numbered list and the Mermaid export all read
//! the same [`Action`].

use contracts::events::ConsumeOutcome;
use wasm_bindgen::{JsCast, JsValue};

use crate::log::Record;

/// The participants that are not named by an event: the visitor, the backend and the page's
/// event channel (`window` CustomEvents).
pub const USER: &str = "User";
pub const API: &str = "Cart API";
pub const CHANNEL: &str = "window";

/// How many actions the inspector keeps to step back through.
pub const LAST_ACTIONS: usize = 5;

/// One API call of a user action, as `contracts::browser::http` left it on the performance
/// timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub method: String,
    pub path: String,
    pub status: u16,
    pub trace_id: String,
    /// When it started, ms since the epoch.
    pub start: f64,
    pub duration: f64,
    /// The server's own time, from `Server-Timing: app;dur=`.
    pub server: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The visitor's click or submit.
    Act,
    Request,
    Answer,
    Publish,
    /// The shell mounting a remote again (after a change of identity).
    Mount,
    Handled,
    Rejected,
}

/// One arrow of the diagram.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub from: String,
    pub to: String,
    pub label: String,
    /// Client time since the action began, in ms.
    pub at: f64,
    pub kind: Kind,
    /// What travelled: an event's payload, a call's timings, a rejection's reason.
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    pub trace_id: String,
    pub messages: Vec<Message>,
}

impl Action {
    /// Every participant once, in the order they first take part (the visitor first).
    pub fn participants(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for m in &self.messages {
            for name in [&m.from, &m.to] {
                if !names.contains(name) {
                    names.push(name.clone());
                }
            }
        }
        names
    }

    /// The same diagram as Mermaid text, for the docs and for interview notes.
    pub fn mermaid(&self) -> String {
        let participants = self.participants();
        let id = |name: &str| participants.iter().position(|p| p == name).map(|i| format!("p{i}")).unwrap_or_default();
        let mut text = String::from("sequenceDiagram\n");
        for (i, name) in participants.iter().enumerate() {
            text.push_str(&format!("    participant p{i} as {}\n", mermaid_text(name)));
        }
        for m in &self.messages {
            let arrow = match m.kind {
                Kind::Act | Kind::Request | Kind::Mount => "->>",
                Kind::Answer => "-->>",
                Kind::Publish | Kind::Handled => "-)",
                Kind::Rejected => "--x",
            };
            text.push_str(&format!(
                "    {}{arrow}{}: {} (+{:.1} ms)\n",
                id(&m.from),
                id(&m.to),
                mermaid_text(&m.label),
                m.at
            ));
        }
        text
    }
}

/// Text Mermaid reads as text: no line breaks, and its statement separator and entity marker
/// (`;`, `#`) written as entities, whatever a hostile event put in its name or reason.
fn mermaid_text(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            ';' => "#59;".to_string(),
            '#' => "#35;".to_string(),
            c if c.is_control() => " ".to_string(),
            c => c.to_string(),
        })
        .collect()
}

/// Whether a record is a consequence of some action rather than one: the shell announces every
/// route change, and its toasts travel with a trace of their own.
fn incidental(record: &Record) -> bool {
    record.name == "platform:route-changed"
        || (record.name == "notification:requested" && record.publisher.starts_with("shell"))
}

/// `remote@1.2.3` → `remote`.
fn short(publisher: &str) -> String {
    publisher.split('@').next().unwrap_or_default().to_string()
}

/// Events after which the shell mounts every remote again, with the new identity in the context
/// (`RemoteSlot` in the shell's composition), so none keeps what belonged to the last visitor.
const REMOUNTING: &[&str] = &["user:logged-in", "user:logged-out"];

/// The last `n` user actions in `records`, oldest first, each with the calls of its trace.
/// `slots` are the remotes the page shows, which a change of identity mounts again.
pub fn actions(records: &[Record], calls: &[Call], slots: &[String], n: usize) -> Vec<Action> {
    let traces = action_traces(records);
    let mut order: Vec<&str> = Vec::new();
    for (record, trace) in records.iter().zip(&traces) {
        if !trace.is_empty() && !incidental(record) {
            order.retain(|t| t != trace);
            order.push(trace);
        }
    }
    let skip = order.len().saturating_sub(n);
    order.into_iter().skip(skip).map(|trace| action(trace, records, &traces, calls, slots)).collect()
}

/// How soon after an action's last event a navigation its remote asks for still belongs to it.
const FOLLOW_UP_MS: f64 = 100.0;

/// The action each record belongs to: its own trace, except for a navigation that the acting
/// remote asks for right after its action's events (placing an order, then the confirmation
/// page), which `navigate` sends with a trace of its own but is the end of the same action.
fn action_traces(records: &[Record]) -> Vec<&str> {
    let mut traces: Vec<&str> = Vec::with_capacity(records.len());
    let mut last: Option<(&str, &str, f64)> = None;
    for record in records {
        let trace = match last {
            Some((trace, publisher, time))
                if record.name == "platform:navigation-requested"
                    && record.publisher == publisher
                    && record.time - time <= FOLLOW_UP_MS =>
            {
                trace
            }
            _ => record.trace_id.as_str(),
        };
        if !trace.is_empty() && !incidental(record) {
            last = Some((trace, record.publisher.as_str(), record.time));
        }
        traces.push(trace);
    }
    traces
}

fn action(trace_id: &str, records: &[Record], traces: &[&str], calls: &[Call], slots: &[String]) -> Action {
    let events: Vec<&Record> =
        records.iter().zip(traces).filter(|(_, trace)| **trace == trace_id).map(|(r, _)| r).collect();
    let mut calls: Vec<&Call> = calls.iter().filter(|c| c.trace_id == trace_id).collect();
    calls.sort_by(|a, b| a.start.total_cmp(&b.start));
    let first_event = events.iter().find(|r| !incidental(r)).or(events.first());
    let actor = first_event.map(|r| short(&r.publisher)).unwrap_or_default();
    let began = calls.iter().map(|c| c.start).chain(events.iter().map(|r| r.time)).fold(f64::INFINITY, f64::min);

    let mut messages = vec![Message {
        from: USER.into(),
        to: actor.clone(),
        label: "acts".into(),
        at: 0.0,
        kind: Kind::Act,
        detail: format!("trace {trace_id}"),
    }];
    let mut push = |from: String, to: String, label: String, time: f64, kind: Kind, detail: String| {
        // Events carry `Date.now()` (whole ms) and calls the finer performance clock, so an
        // event may read a fraction of a ms before the answer it followed: the order is the
        // order things happened, and time never runs backwards on the axis.
        let previous = messages.last().map_or(0.0, |m| m.at);
        messages.push(Message { from, to, label, at: (time - began).max(previous), kind, detail });
    };
    for call in calls {
        let server = call.server.map(|s| format!(" · server {s:.1} ms")).unwrap_or_default();
        push(
            actor.clone(),
            API.into(),
            format!("{} {}", call.method, call.path),
            call.start,
            Kind::Request,
            format!("traceparent 00-{}-…", call.trace_id),
        );
        push(
            API.into(),
            actor.clone(),
            format!("{}{server}", call.status),
            call.start + call.duration,
            Kind::Answer,
            format!("{:.1} ms in all{server}", call.duration),
        );
    }
    for record in events {
        let name = &record.name;
        let version = record.version.map(|v| format!("v{v}")).unwrap_or_else(|| "v?".into());
        push(
            short(&record.publisher),
            CHANNEL.into(),
            format!("{name} {version}"),
            record.time,
            Kind::Publish,
            record.payload.clone(),
        );
        if REMOUNTING.contains(&name.as_str()) {
            for slot in slots {
                push(
                    short(&record.publisher),
                    slot.clone(),
                    "mounts again (new identity)".into(),
                    record.time,
                    Kind::Mount,
                    "unmount, then mount with the new identity in the context".into(),
                );
            }
        }
        for c in &record.consumers {
            let (kind, label, detail) = match c.outcome {
                ConsumeOutcome::Handled => (Kind::Handled, format!("handles {name}"), "handled".to_string()),
                ConsumeOutcome::Rejected => {
                    let reason = c.reason.clone().unwrap_or_else(|| "no reason given".into());
                    (Kind::Rejected, format!("rejects {name}: {reason}"), reason)
                }
            };
            push(CHANNEL.into(), c.consumer.clone(), label, c.time, kind, detail);
        }
    }
    Action { trace_id: trace_id.to_string(), messages }
}

/// The server's own time in a `Server-Timing` header: the `dur` of its `app` metric.
pub fn server_time(header: &str) -> Option<f64> {
    header.split(',').find_map(|metric| {
        let mut parts = metric.split(';').map(str::trim);
        if parts.next() != Some("app") {
            return None;
        }
        parts.find_map(|p| p.strip_prefix("dur=")).and_then(|d| d.parse().ok())
    })
}

/// The calls `contracts::browser::http` measured on this page, in epoch ms.
pub fn measured_calls() -> Vec<Call> {
    use contracts::browser::js::get;
    let Some(performance) = web_sys::window().and_then(|w| w.performance()) else { return Vec::new() };
    let origin = performance.time_origin();
    performance
        .get_entries_by_name_with_entry_type(contracts::browser::http::API_CALL_MEASURE, "measure")
        .iter()
        .filter_map(|entry| {
            let entry = entry.dyn_into::<web_sys::PerformanceEntry>().ok()?;
            let detail: JsValue = get(&entry, "detail");
            let url = get(&detail, "url").as_string()?;
            let path = url.split(['?', '#']).next().unwrap_or_default().to_string();
            Some(Call {
                method: get(&detail, "method").as_string()?,
                path,
                status: get(&detail, "status").as_f64().map_or(0, |s| s as u16),
                trace_id: get(&detail, "traceId").as_string()?,
                start: origin + entry.start_time(),
                duration: entry.duration(),
                server: get(&detail, "serverTiming").as_string().as_deref().and_then(server_time),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;
    use crate::log::Consumption;

    fn record(name: &str, publisher: &str, trace: &str, time: f64, consumers: Vec<Consumption>) -> Record {
        Record {
            seq: 0,
            id: format!("{name}-{time}"),
            name: name.into(),
            version: Some(1),
            publisher: publisher.into(),
            trace_id: trace.into(),
            time,
            route: "/products/1".into(),
            payload: "{}".into(),
            consumers,
        }
    }

    fn consumed(consumer: &str, outcome: ConsumeOutcome, reason: Option<&str>, time: f64) -> Consumption {
        Consumption { consumer: consumer.into(), outcome, reason: reason.map(str::to_string), time }
    }

    fn add_to_cart() -> (Vec<Record>, Vec<Call>) {
        let records = vec![
            record("platform:route-changed", "shell@0.1.0", "t0", 900.0, vec![]),
            record(
                "cart:updated",
                "product-details@0.1.0",
                "t1",
                1012.0,
                vec![
                    consumed("cart-summary", ConsumeOutcome::Handled, None, 1013.0),
                    consumed("analytics", ConsumeOutcome::Rejected, Some("version 2 is not supported"), 1013.0),
                ],
            ),
            record("notification:requested", "shell@0.1.0", "t2", 1014.0, vec![]),
        ];
        let calls = vec![Call {
            method: "POST".into(),
            path: "/api/cart/items".into(),
            status: 200,
            trace_id: "t1".into(),
            start: 1000.0,
            duration: 11.5,
            server: Some(2.4),
        }];
        (records, calls)
    }

    #[wasm_bindgen_test]
    fn an_add_to_cart_reads_as_the_article_draws_it() {
        let (records, calls) = add_to_cart();
        let actions = actions(&records, &calls, &[], LAST_ACTIONS);
        assert_eq!(actions.len(), 1, "route changes and the shell's toasts are not actions");
        let action = &actions[0];
        assert_eq!(action.participants(), [USER, "product-details", API, CHANNEL, "cart-summary", "analytics"]);
        let arrows: Vec<(&str, &str, &str, f64)> =
            action.messages.iter().map(|m| (m.from.as_str(), m.to.as_str(), m.label.as_str(), m.at)).collect();
        assert_eq!(
            arrows,
            [
                (USER, "product-details", "acts", 0.0),
                ("product-details", API, "POST /api/cart/items", 0.0),
                (API, "product-details", "200 · server 2.4 ms", 11.5),
                ("product-details", CHANNEL, "cart:updated v1", 12.0),
                (CHANNEL, "cart-summary", "handles cart:updated", 13.0),
                (CHANNEL, "analytics", "rejects cart:updated: version 2 is not supported", 13.0),
            ]
        );
        assert_eq!(action.messages[5].kind, Kind::Rejected);
    }

    #[wasm_bindgen_test]
    fn time_never_runs_backwards() {
        let (mut records, calls) = add_to_cart();
        // Date.now() read 0.4 ms "before" the answer arrived on the finer clock.
        records[1].time = 1011.1;
        let action = &actions(&records, &calls, &[], LAST_ACTIONS)[0];
        let times: Vec<f64> = action.messages.iter().map(|m| m.at).collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
    }

    #[wasm_bindgen_test]
    fn only_the_last_actions_are_kept_and_a_repeated_trace_counts_once() {
        let records: Vec<Record> = (0..8)
            .flat_map(|i| {
                let trace = format!("t{i}");
                [
                    record("cart:updated", "cart@1", &trace, f64::from(i), vec![]),
                    record("cart:item-added", "cart@1", &trace, f64::from(i), vec![]),
                ]
            })
            .collect();
        let actions = actions(&records, &[], &[], 3);
        let traces: Vec<&str> = actions.iter().map(|a| a.trace_id.as_str()).collect();
        assert_eq!(traces, ["t5", "t6", "t7"]);
        assert_eq!(actions[2].messages.len(), 3, "the act and both events");
    }

    #[wasm_bindgen_test]
    fn mermaid_draws_the_same_arrows_and_keeps_hostile_text_as_text() {
        let (mut records, calls) = add_to_cart();
        records[1].consumers[1].reason = Some("bad; really\n#bad".into());
        let text = actions(&records, &calls, &[], LAST_ACTIONS)[0].mermaid();
        assert!(
            text.starts_with("sequenceDiagram\n    participant p0 as User\n    participant p1 as product-details\n")
        );
        assert!(text.contains("    p1->>p2: POST /api/cart/items (+0.0 ms)\n"), "{text}");
        assert!(text.contains("    p2-->>p1: 200 · server 2.4 ms (+11.5 ms)\n"), "{text}");
        assert!(text.contains("    p1-)p3: cart:updated v1 (+12.0 ms)\n"), "{text}");
        assert!(text.contains("    p3--xp5: rejects cart:updated: bad#59; really #35;bad (+13.0 ms)\n"), "{text}");
        assert_eq!(text.lines().count(), 1 + 6 + 6);
    }

    #[wasm_bindgen_test]
    fn a_sign_in_mounts_every_remote_again() {
        let records = vec![record("user:logged-in", "shell@0.1.0", "t9", 2000.0, vec![])];
        let calls = vec![Call {
            method: "POST".into(),
            path: "/api/session/login".into(),
            status: 200,
            trace_id: "t9".into(),
            start: 1990.0,
            duration: 8.0,
            server: None,
        }];
        let slots = ["cart".to_string(), "cart-summary".to_string()];
        let action = &actions(&records, &calls, &slots, LAST_ACTIONS)[0];
        let arrows: Vec<(&str, &str, &str)> =
            action.messages.iter().map(|m| (m.from.as_str(), m.to.as_str(), m.label.as_str())).collect();
        assert_eq!(
            arrows,
            [
                (USER, "shell", "acts"),
                ("shell", API, "POST /api/session/login"),
                (API, "shell", "200"),
                ("shell", CHANNEL, "user:logged-in v1"),
                ("shell", "cart", "mounts again (new identity)"),
                ("shell", "cart-summary", "mounts again (new identity)"),
            ]
        );
    }

    #[wasm_bindgen_test]
    fn the_navigation_after_placing_an_order_ends_that_action() {
        let records = vec![
            record("order:placed", "checkout@0.1.0", "t5", 3000.0, vec![]),
            record("platform:navigation-requested", "checkout@0.1.0", "t6", 3001.0, vec![]),
            // Later, and by itself: the visitor's own navigation is an action of its own.
            record("platform:navigation-requested", "checkout@0.1.0", "t7", 9000.0, vec![]),
        ];
        let actions = actions(&records, &[], &[], LAST_ACTIONS);
        let traces: Vec<&str> = actions.iter().map(|a| a.trace_id.as_str()).collect();
        assert_eq!(traces, ["t5", "t7"]);
        let labels: Vec<&str> = actions[0].messages.iter().map(|m| m.label.as_str()).collect();
        assert_eq!(labels, ["acts", "order:placed v1", "platform:navigation-requested v1"]);
    }

    #[wasm_bindgen_test]
    fn the_server_time_is_the_app_metric() {
        assert_eq!(server_time("app;dur=1.25"), Some(1.25));
        assert_eq!(server_time("db;dur=9, app;desc=\"handler\";dur=3"), Some(3.0));
        assert_eq!(server_time("db;dur=9"), None);
        assert_eq!(server_time(""), None);
    }
}

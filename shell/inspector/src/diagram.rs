//! The "Last action" tab: the sequence of a user action drawn as a whiteboard would draw it
//! (one lifeline per participant, arrows in time order, the client time of each on the left),
//! the same steps as a numbered list for keyboard and screen-reader users, stepping and replay,
//! and the Mermaid text of the diagram.

use std::time::Duration;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::file::download;
use crate::log::Record;
use crate::sequence::{self, Action, Kind, Message, LAST_ACTIONS};

/// The diagram's grid, in SVG user units (px at 100 %).
const AXIS: f64 = 70.0;
const COLUMN: f64 = 140.0;
const HEAD: f64 = 44.0;
const ROW: f64 = 30.0;
/// Labels longer than this are cut in the picture; the list and the step panel keep them whole.
const LABEL_CHARS: usize = 34;
const REPLAY_STEP: Duration = Duration::from_millis(700);

#[component]
pub fn Sequence(records: RwSignal<Vec<Record>>) -> impl IntoView {
    let actions =
        Memo::new(move |_| records.with(|r| sequence::actions(r, &sequence::measured_calls(), &slots(), LAST_ACTIONS)));
    // `back` counts actions back from the newest; `current` is the highlighted arrow.
    let back = RwSignal::new(0_usize);
    let current = RwSignal::new(None::<usize>);
    let mermaid = RwSignal::new(false);
    let replay = StoredValue::new(None::<IntervalHandle>);
    let stop_replay = move || {
        if let Some(handle) = replay.get_value() {
            handle.clear();
        }
        replay.set_value(None);
    };

    // A new action is the one to look at.
    Effect::new(move |seen: Option<String>| {
        let newest = actions.with(|a| a.last().map(|a| a.trace_id.clone())).unwrap_or_default();
        if seen.is_some_and(|seen| seen != newest) {
            stop_replay();
            back.set(0);
            current.set(None);
        }
        newest
    });

    let action =
        Memo::new(move |_| actions.with(|a| a.len().checked_sub(1 + back.get()).and_then(|i| a.get(i).cloned())));
    let count = move || action.with(|a| a.as_ref().map_or(0, |a| a.messages.len()));
    let step = move |delta: isize| {
        stop_replay();
        let last = count().saturating_sub(1) as isize;
        current.update(|c| *c = Some(c.map_or(0, |c| c as isize + delta).clamp(0, last) as usize));
    };
    let other_action = move |older: bool| {
        stop_replay();
        let total = actions.with(Vec::len);
        back.update(|b| *b = if older { (*b + 1).min(total.saturating_sub(1)) } else { b.saturating_sub(1) });
        current.set(None);
    };
    let start_replay = move |_| {
        stop_replay();
        current.set(Some(0));
        let handle = set_interval_with_handle(
            move || {
                let next = current.get_untracked().map_or(0, |c| c + 1);
                if next >= count() {
                    stop_replay();
                } else {
                    current.set(Some(next));
                }
            },
            REPLAY_STEP,
        );
        replay.set_value(handle.ok());
    };
    on_cleanup(stop_replay);

    let oldest = move || back.get() + 1 >= actions.with(Vec::len);
    let text = move || action.with(|a| a.as_ref().map(Action::mermaid).unwrap_or_default());
    let position = move || {
        let total = actions.with(Vec::len);
        format!("Action {} of {total}", total.saturating_sub(back.get()))
    };

    view! {
        <Show when=move || action.with(Option::is_some)
            fallback=|| view! { <p data-testid="inspector-sequence">"No user action yet: add something to the cart."</p> }>
            <div class="seq-controls" role="toolbar" aria-label="Sequence controls">
                <button type="button" data-testid="sequence-earlier" on:click=move |_| other_action(true)
                    disabled=oldest>"‹ Earlier action"</button>
                <span data-testid="sequence-action">{position}</span>
                <button type="button" data-testid="sequence-later" on:click=move |_| other_action(false)
                    disabled=move || back.get() == 0>"Later action ›"</button>
                <button type="button" data-testid="sequence-previous" on:click=move |_| step(-1)>"Previous step"</button>
                <button type="button" data-testid="sequence-next" on:click=move |_| step(1)>"Next step"</button>
                <button type="button" data-testid="sequence-replay" on:click=start_replay>"Replay"</button>
                <button type="button" data-testid="sequence-export" aria-pressed=move || mermaid.get().to_string()
                    on:click=move |_| mermaid.update(|m| *m = !*m)>"Mermaid"</button>
            </div>
            {move || action.get().map(|a| view! { <Diagram action=a current /> })}
            <Current action current />
            <Show when=move || mermaid.get()>
                <div class="seq-mermaid">
                    <button type="button" on:click=move |_| download("sequence.mmd", "text/plain", &text())>
                        "Download sequence.mmd"
                    </button>
                    <pre data-testid="sequence-mermaid">{text}</pre>
                </div>
            </Show>
            <ol class="inspector-sequence" data-testid="inspector-sequence" aria-label="The same steps as text">
                {move || action.get().map(|a| a.messages.into_iter().enumerate().map(|(i, m)| view! {
                    <li data-testid="sequence-step" aria-current=move || (current.get() == Some(i)).then_some("step")>
                        <strong>{m.from}</strong>" → "<strong>{m.to}</strong>": "{m.label}
                        {format!(" (+{:.1} ms)", m.at)}
                    </li>
                }).collect_view())}
            </ol>
        </Show>
    }
}

/// The highlighted step in words, with what travelled.
#[component]
fn Current(action: Memo<Option<Action>>, current: RwSignal<Option<usize>>) -> impl IntoView {
    let shown = move || {
        let i = current.get()?;
        action.with(|a| {
            let a = a.as_ref()?;
            a.messages.get(i).map(|m| (i + 1, a.messages.len(), m.clone()))
        })
    };
    view! {
        <div class="seq-step" data-testid="sequence-current" aria-live="polite">
            {move || shown().map(|(n, total, m)| view! {
                <p>{format!("Step {n} of {total}: {} → {}: {}", m.from, m.to, m.label)}</p>
                <pre class="inspector-payload" data-testid="sequence-payload">{m.detail}</pre>
            })}
        </div>
    }
}

/// The SVG: lifelines, then one arrow per message, top to bottom in time order.
#[component]
fn Diagram(action: Action, current: RwSignal<Option<usize>>) -> impl IntoView {
    let participants = action.participants();
    let x = {
        let participants = participants.clone();
        move |name: &str| {
            let i = participants.iter().position(|p| p == name).unwrap_or_default();
            AXIS + COLUMN * (i as f64 + 0.5)
        }
    };
    let width = AXIS + COLUMN * participants.len() as f64;
    let height = HEAD + ROW * (action.messages.len() as f64 + 0.5);
    let lifelines = participants
        .iter()
        .map(|name| {
            let cx = x(name);
            view! {
                <g class="seq-lifeline" data-participant=name.clone()>
                    <rect x=n(cx - COLUMN / 2.0 + 8.0) y="4" width=n(COLUMN - 16.0) height="24" rx="4" />
                    <text x=n(cx) y="21" text-anchor="middle">{name.clone()}</text>
                    <line x1=n(cx) y1="28" x2=n(cx) y2=n(height) />
                </g>
            }
        })
        .collect_view();
    let arrows = action
        .messages
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let y = HEAD + ROW * (i as f64 + 0.5);
            let (x1, mut x2) = (x(&m.from), x(&m.to));
            if x1 == x2 {
                x2 = x1 + COLUMN / 3.0;
            }
            // The line stops short of the lifeline so the arrowhead meets it.
            let end = x2 - 4.0 * (x2 - x1).signum();
            let marker = if m.kind == Kind::Rejected { "url(#seq-cross)" } else { "url(#seq-head)" };
            view! {
                <g class=format!("seq-message seq-{}", kind_class(m)) class:seq-current=move || current.get() == Some(i)
                    data-message=m.label.clone() data-ms=format!("{:.1}", m.at)
                    on:click=move |_| current.set(Some(i))>
                    <text class="seq-time" x="4" y=n(y + 4.0)>{format!("+{:.1} ms", m.at)}</text>
                    <line x1=n(x1) y1=n(y) x2=n(end) y2=n(y) marker-end=marker />
                    <text x=n((x1 + x2) / 2.0) y=n(y - 5.0) text-anchor="middle">{cut(&m.label)}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <div class="seq-diagram-frame">
            <svg data-testid="sequence-diagram" class="seq-diagram" width=n(width) height=n(height)
                viewBox=format!("0 0 {} {}", n(width), n(height)) role="img"
                aria-label="Sequence diagram of the action; the numbered list below holds the same steps">
                <defs>
                    <marker id="seq-head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
                        <path class="seq-head" d="M0,0 L10,5 L0,10 z" />
                    </marker>
                    <marker id="seq-cross" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="10" markerHeight="10" orient="auto">
                        <path class="seq-cross" d="M1,1 L9,9 M9,1 L1,9" />
                    </marker>
                </defs>
                {lifelines}
                {arrows}
            </svg>
        </div>
    }
}

fn kind_class(m: &Message) -> &'static str {
    match m.kind {
        Kind::Act => "act",
        Kind::Request => "request",
        Kind::Answer => "answer",
        Kind::Publish => "publish",
        Kind::Mount => "mount",
        Kind::Handled => "handled",
        Kind::Rejected => "rejected",
    }
}

/// The remotes the page shows now, in page order, each once.
fn slots() -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let Ok(slots) = document().query_selector_all(".remote-slot[data-remote]") else { return names };
    for i in 0..slots.length() {
        let name = slots
            .item(i)
            .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.get_attribute("data-remote"));
        if let Some(name) = name.filter(|n| !names.contains(n)) {
            names.push(name);
        }
    }
    names
}

/// A coordinate as an attribute value.
fn n(value: f64) -> String {
    format!("{value:.1}")
}

fn cut(label: &str) -> String {
    if label.chars().count() <= LABEL_CHARS {
        return label.to_string();
    }
    label.chars().take(LABEL_CHARS - 1).chain(['…']).collect()
}

//! The inspector's views: the event list, the last actions' sequence and the boundary overlay.

use contracts::events::ConsumeOutcome;
use leptos::prelude::*;
use wasm_bindgen::JsValue;

use crate::diagram::Sequence;
use crate::file::download;
use crate::log::{EventLog, Record};
use crate::tour::{Tour, TourCard};

#[component]
pub fn Inspector(log: EventLog, shell: String, tour: Option<Tour>) -> impl IntoView {
    let records = log.records;
    // Loaded because the visitor asked for it: it opens at once, unless a tour asked for it,
    // which keeps the page in view until its last step.
    let open = RwSignal::new(tour.is_none());
    let tour = RwSignal::new(tour);
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
        download("events.json", "application/json", &json);
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

    let show_sequence = Callback::new(move |()| {
        tab.set("sequence");
        open.set(true);
    });

    view! {
        <TourCard log tour show_sequence />
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
                    <button type="button" data-testid="tour-add-to-cart" on:click=move |_| tour.set(Some(Tour::AddToCart))>
                        "Tour: add to cart"
                    </button>
                    <button type="button" data-testid="tour-search" on:click=move |_| tour.set(Some(Tour::Search))>
                        "Tour: URL state"
                    </button>
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

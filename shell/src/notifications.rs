//! Global notifications: remotes ask with `notification:requested`; the shell shows a toast.

use contracts::events::{Envelope, NotificationLevel, NotificationRequested};
use leptos::prelude::*;
use std::time::Duration;

#[derive(Clone, PartialEq)]
struct Toast {
    id: u64,
    level: NotificationLevel,
    message: String,
}

#[component]
pub fn Notifications() -> impl IntoView {
    let toasts = RwSignal::new(Vec::<Toast>::new());
    let next_id = StoredValue::new(0u64);

    contracts::browser::events::subscribe::<NotificationRequested, _>(
        "shell-notifications",
        move |e: Envelope<NotificationRequested>| {
            let id = next_id.get_value();
            next_id.set_value(id + 1);
            toasts.update(|t| {
                t.push(Toast { id, level: e.payload.level, message: e.payload.message });
                // Only the latest few stay on screen.
                let excess = t.len().saturating_sub(3);
                t.drain(..excess);
            });
            set_timeout(move || toasts.update(|t| t.retain(|toast| toast.id != id)), Duration::from_secs(4));
        },
    )
    .forget();

    view! {
        <div class="toasts" role="status" aria-live="polite" data-testid="notifications">
            <For each=move || toasts.get() key=|t| t.id let:toast>
                <p class=move || format!("toast toast-{}", level_class(toast.level))>{toast.message.clone()}</p>
            </For>
        </div>
    }
}

fn level_class(level: NotificationLevel) -> &'static str {
    match level {
        NotificationLevel::Info => "info",
        NotificationLevel::Success => "success",
        NotificationLevel::Error => "error",
    }
}

//! The shell: owns the page frame (header, notifications), the router and the platform context,
//! and composes the remotes at run time. It holds no domain logic: it never computes a price,
//! reads a cart line or interprets a catalogue filter.

mod analytics;
mod app;
mod composition;
mod header;
mod i18n;
mod identity;
mod inspector;
mod navigation;
mod notifications;
mod platform;

fn main() {
    contracts::browser::install_panic_hook("shell");
    leptos::mount::mount_to_body(app::App);
}

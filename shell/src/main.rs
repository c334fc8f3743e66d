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
mod placement;
mod platform;

fn main() {
    contracts::browser::install_panic_hook("shell");
    leptos::mount::mount_to_body(app::App);
    // The frame index.html painted goes in the same task the shell's own is built, so no frame
    // is ever painted without one of them. What the server rendered into the frame's slot moves
    // into the shell's slot for the same remote first, where the remote takes it over.
    if let Some(frame) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("shell-frame")) {
        composition::adopt_server_rendered(&frame);
        frame.remove();
    }
}

//! The event inspector, as far as the shell goes. The inspector itself is the shell team's own
//! bundle (`shell/inspector`, in the manifest like a remote), loaded only when a visitor asks for
//! it with `?debug=events` or Alt+Shift+E, or for a guided tour (`?tour=…`): no page pays for it
//! otherwise.
//!
//! So that it can still show everything from the first event on, the shell records every event
//! of the catalogue from start-up, raw (no payload is decoded here), and hands the record over
//! when the inspector mounts; later events are passed on as they happen. The recorder listens
//! before any consumer subscribes, so an event is always recorded before its consumers' reports.

use std::cell::{Cell, RefCell};

use contracts::browser::events::detail;
use contracts::events::CATALOGUE;
use gloo_events::EventListener;
use js_sys::{Array, Object, Reflect};
use leptos::task::spawn_local;
use wasm_bindgen::{JsCast, JsValue};

use crate::composition::{load, Module};
use crate::platform::Platform;

/// The manifest entry of the inspector bundle.
const INSPECTOR: &str = "inspector";
/// Events kept for an inspector that is not open yet.
const BACKLOG: u32 = 200;

thread_local! {
    static BACKLOG_ENTRIES: Array = Array::new();
    static INSPECTOR_MODULE: RefCell<Option<Module>> = const { RefCell::new(None) };
    static REQUESTED: Cell<bool> = const { Cell::new(false) };
}

/// Starts recording, and opens the inspector now if the URL asks for it.
pub fn start(platform: Platform) {
    let Some(window) = web_sys::window() else { return };
    for &(name, _) in CATALOGUE {
        EventListener::new(&window, name, record).forget();
    }
    EventListener::new(&window, "keydown", move |event| {
        let Some(key) = event.dyn_ref::<web_sys::KeyboardEvent>() else { return };
        // Once it is loaded, the inspector opens and closes itself.
        if key.alt_key() && key.shift_key() && key.code() == "KeyE" && !REQUESTED.get() {
            open(platform);
        }
    })
    .forget();
    let search = window.location().search().unwrap_or_default();
    // The guided tours (`?tour=add-to-cart`, `?tour=search`) live in the inspector's bundle too.
    if search.contains("debug=events") || search.contains("tour=") {
        open(platform);
    }
}

fn record(event: &web_sys::Event) {
    let entry = Object::new();
    let set = |key: &str, value: &JsValue| {
        let _ = Reflect::set(&entry, &key.into(), value);
    };
    set("type", &event.type_().into());
    set("detail", &detail(event));
    set("time", &js_sys::Date::now().into());
    let route = web_sys::window()
        .map(|w| w.location())
        .map(|l| format!("{}{}", l.pathname().unwrap_or_default(), l.search().unwrap_or_default()))
        .unwrap_or_default();
    set("route", &route.into());
    let entry: JsValue = entry.into();
    let handed_over = INSPECTOR_MODULE.with(|m| m.borrow().as_ref().map(|module| module.call("record", &[&entry])));
    if handed_over.is_none() {
        BACKLOG_ENTRIES.with(|backlog| {
            backlog.push(&entry);
            if backlog.length() > BACKLOG {
                backlog.shift();
            }
        });
    }
}

/// Loads the inspector bundle and mounts it at the end of the page.
fn open(platform: Platform) {
    REQUESTED.set(true);
    spawn_local(async move {
        let mounted = async {
            let module = load(INSPECTOR, 0).await.map_err(|e| e.to_string())?;
            let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
            let host = document.create_element("div").map_err(|_| "cannot create the inspector's host")?;
            let _ = host.set_attribute("data-remote", INSPECTOR);
            document.body().ok_or("no body")?.append_child(&host).map_err(|_| "cannot place the inspector")?;
            let context = contracts::browser::js::to_js(&platform.mount_context());
            let backlog = BACKLOG_ENTRIES.with(|b| {
                let taken = b.slice(0, b.length());
                b.set_length(0);
                taken
            });
            module.call("mount", &[&host.into(), &context, &backlog.into()])?;
            INSPECTOR_MODULE.with(|m| *m.borrow_mut() = Some(module));
            Ok::<(), String>(())
        };
        if let Err(e) = mounted.await {
            // A debugging aid that fails must not disturb the page; a later Alt+Shift+E tries again.
            REQUESTED.set(false);
            web_sys::console::warn_1(&format!("[shell] the event inspector did not load: {e}").into());
        }
    });
}

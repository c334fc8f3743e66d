//! Fragments a remote places in its own page (parent-to-child, `contracts::inputs`): the shell
//! mounts the fragment's remote into every element that names one with `data-fragment`, and
//! unmounts it when the page takes the element away. The placing page and the fragment never
//! see each other's code; all that passes between them is the element's attributes, which the
//! page writes and the fragment watches.
//!
//! The same loading as for slots (manifest, integrity, fallback release); a fragment that fails
//! leaves a short note in its element and the page goes on. A fragment loads when its element
//! comes near the screen: one placed below the fold (recommendations under a product) costs the
//! first view nothing, and the room the page reserved for it keeps the layout still.

use std::cell::RefCell;

use contracts::fragment::SERVER_RENDERED_ATTRIBUTE;
use contracts::inputs::{FRAGMENT_ATTRIBUTE, PLACEABLE};
use leptos::prelude::GetUntracked;
use leptos::task::spawn_local;
use wasm_bindgen::prelude::*;

use crate::composition::load;
use crate::i18n::{t, Text};
use crate::platform::Platform;

/// How near the screen a fragment's element must come before the fragment loads.
const NEAR: &str = "100px";

type Visibility = (web_sys::IntersectionObserver, Closure<dyn FnMut(js_sys::Array, web_sys::IntersectionObserver)>);

thread_local! {
    /// The elements a fragment is mounted (or being mounted) into, with its name.
    static PLACED: RefCell<Vec<(web_sys::Element, &'static str)>> = const { RefCell::new(Vec::new()) };
    /// Watches placed elements until they come near the screen.
    static VISIBILITY: RefCell<Option<Visibility>> = const { RefCell::new(None) };
}

/// Watches the page for fragment hosts from now on.
pub fn start(platform: Platform) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let Some(root) = document.document_element() else { return };
    let callback = Closure::<dyn FnMut(js_sys::Array, web_sys::MutationObserver)>::new(
        move |records: js_sys::Array, _: web_sys::MutationObserver| place(changed(&records), platform),
    );
    let Ok(observer) = web_sys::MutationObserver::new(callback.as_ref().unchecked_ref()) else { return };
    let options = web_sys::MutationObserverInit::new();
    options.set_child_list(true);
    options.set_subtree(true);
    // A page may write the attribute after it inserted the element, and a remote taking over
    // its server-rendered copy frees the hosts inside it.
    options.set_attributes(true);
    options.set_attribute_filter(&js_sys::Array::of2(
        &JsValue::from_str(FRAGMENT_ATTRIBUTE),
        &JsValue::from_str(SERVER_RENDERED_ATTRIBUTE),
    ));
    if observer.observe_with_options(&root, &options).is_ok() {
        // Both live as long as the page.
        callback.forget();
        std::mem::forget(observer);
    }
    place(vec![root], platform);
}

/// The elements a batch of mutations added or changed an attribute of. Only these (and what
/// they contain) can hold a new host: a page that re-renders often costs a look at what it
/// rendered, not a search of the whole document.
fn changed(records: &js_sys::Array) -> Vec<web_sys::Element> {
    let mut elements = Vec::new();
    for record in records.iter() {
        let Ok(record) = record.dyn_into::<web_sys::MutationRecord>() else { continue };
        if record.type_() == "attributes" {
            elements.extend(record.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()));
            continue;
        }
        let added = record.added_nodes();
        elements.extend((0..added.length()).filter_map(|i| added.item(i)?.dyn_into::<web_sys::Element>().ok()));
    }
    elements
}

/// Unmounts what the page took away and mounts into the hosts in (or among) `within`.
fn place(within: Vec<web_sys::Element>, platform: Platform) {
    let gone: Vec<(web_sys::Element, &'static str)> = PLACED.with(|placed| {
        let mut placed = placed.borrow_mut();
        let (kept, gone) = placed.drain(..).partition(|(host, _)| host.is_connected());
        *placed = kept;
        gone
    });
    for (host, name) in gone.into_iter().filter(|(_, name)| !name.is_empty()) {
        VISIBILITY.with(|v| {
            if let Some((observer, _)) = &*v.borrow() {
                observer.unobserve(&host);
            }
        });
        spawn_local(async move {
            if let Ok(module) = load(name, 0).await {
                let _ = module.call("unmount", &[&host.into()]);
            }
        });
    }

    let selector = format!("[{FRAGMENT_ATTRIBUTE}]");
    for element in within.into_iter().filter(|e| e.is_connected()) {
        if element.matches(&selector).unwrap_or(false) {
            adopt(element.clone(), platform);
        }
        let Ok(hosts) = element.query_selector_all(&selector) else { continue };
        for host in (0..hosts.length()).filter_map(|i| hosts.item(i)?.dyn_into::<web_sys::Element>().ok()) {
            adopt(host, platform);
        }
    }
}

/// Takes `host` in, unless it is placed already or lies in a server-rendered copy.
fn adopt(host: web_sys::Element, platform: Platform) {
    if PLACED.with(|p| p.borrow().iter().any(|(placed, _)| placed == &host)) {
        return;
    }
    // The server's copy of a page is replaced when its remote takes over; the fragment goes
    // into the remote's own.
    if host.closest(&format!("[{SERVER_RENDERED_ATTRIBUTE}]")).ok().flatten().is_some() {
        return;
    }
    let wanted = host.get_attribute(FRAGMENT_ATTRIBUTE).unwrap_or_default();
    let Some(&name) = PLACEABLE.iter().find(|name| **name == wanted) else {
        web_sys::console::warn_1(&format!("[shell] no fragment named {wanted:?} can be placed").into());
        // Remembered (with no name), so it is not reported again.
        PLACED.with(|p| p.borrow_mut().push((host, "")));
        return;
    };
    PLACED.with(|p| p.borrow_mut().push((host.clone(), name)));
    // Its stylesheet is scoped to its own name, and the boundary overlay labels it.
    let _ = host.set_attribute("data-remote", name);
    when_near(host, name, platform);
}

/// Mounts `name` into `host` once it comes near the screen (at once where the browser cannot
/// tell).
fn when_near(host: web_sys::Element, name: &'static str, platform: Platform) {
    let watching = VISIBILITY.with(|visibility| {
        let mut visibility = visibility.borrow_mut();
        if visibility.is_none() {
            let callback = Closure::<dyn FnMut(js_sys::Array, web_sys::IntersectionObserver)>::new(
                move |entries: js_sys::Array, observer: web_sys::IntersectionObserver| {
                    for entry in entries.iter() {
                        let Ok(entry) = entry.dyn_into::<web_sys::IntersectionObserverEntry>() else { continue };
                        if !entry.is_intersecting() {
                            continue;
                        }
                        let host = entry.target();
                        observer.unobserve(&host);
                        let placed = PLACED.with(|p| p.borrow().iter().find(|(h, _)| h == &host).map(|(_, n)| *n));
                        if let Some(name) = placed {
                            spawn_local(mount(host, name, platform));
                        }
                    }
                },
            );
            let options = web_sys::IntersectionObserverInit::new();
            options.set_root_margin(NEAR);
            let observer =
                web_sys::IntersectionObserver::new_with_options(callback.as_ref().unchecked_ref(), &options).ok();
            *visibility = observer.map(|o| (o, callback));
        }
        visibility.as_ref().map(|(observer, _)| observer.observe(&host)).is_some()
    });
    if !watching {
        spawn_local(mount(host, name, platform));
    }
}

async fn mount(host: web_sys::Element, name: &'static str, platform: Platform) {
    let mounted = match load(name, 0).await {
        Ok(module) if host.is_connected() => {
            let _ = host.set_attribute("data-version", module.version());
            let context = contracts::browser::js::to_js(&platform.mount_context());
            module.call("mount", &[&host.clone().into(), &context]).map_err(|e| e.to_string())
        }
        Ok(_) => return,
        Err(e) => Err(e.to_string()),
    };
    if let Err(e) = mounted {
        web_sys::console::error_1(&format!("[shell] fragment {name}: {e}").into());
        let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
        host.set_inner_html("");
        if let Ok(note) = document.create_element("p") {
            note.set_class_name("fragment-fallback");
            let _ = note.set_attribute("data-testid", "fragment-fallback");
            let _ = note.set_attribute("title", &e);
            note.set_text_content(Some(t(&platform.locale.get_untracked(), Text::Unavailable)));
            let _ = host.append_child(&note);
        }
    }
}

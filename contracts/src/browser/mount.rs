//! The remote side of the `mount(host, context)` / `unmount(host)` contract, framework-free:
//! decoding the context and keeping each mounted view alive until its host is unmounted.
//!
//! Keyed by host element so that a remote can be mounted in several places (a page and a
//! fragment) and a late `unmount` of an old slot never removes a newer one.

use std::any::Any;
use std::cell::RefCell;

use wasm_bindgen::JsValue;

use crate::context::MountContext;

thread_local! {
    static MOUNTED: RefCell<Vec<(JsValue, Box<dyn Any>)>> = const { RefCell::new(Vec::new()) };
}

/// The body of a remote's exported `mount`: decodes the shell's context, renders with `render`
/// (any framework; for Leptos, `leptos::mount::mount_to`) and keeps what it returns alive until
/// `unmount(host)` calls [`release`].
///
/// When the server rendered the slot (the host carries
/// [`SERVER_RENDERED_ATTRIBUTE`](crate::fragment::SERVER_RENDERED_ATTRIBUTE)), `render` first
/// adds its own markup next to the server's, and the server's goes in the same task: the
/// browser never paints the slot empty or twice, so nothing flashes or moves.
pub fn mount_with<H: Any>(
    host: &web_sys::HtmlElement,
    context: &JsValue,
    render: impl FnOnce(web_sys::HtmlElement, MountContext) -> H,
) -> Result<(), JsValue> {
    let context = self::context(context)?;
    let server_rendered = server_rendered_nodes(host);
    let handle = render(host.clone(), context);
    for node in server_rendered {
        if let Some(parent) = node.parent_node() {
            let _ = parent.remove_child(&node);
        }
    }
    host.remove_attribute(crate::fragment::SERVER_RENDERED_ATTRIBUTE).ok();
    keep(host, handle);
    Ok(())
}

/// The nodes the server rendered into `host`, if it did.
fn server_rendered_nodes(host: &web_sys::HtmlElement) -> Vec<web_sys::Node> {
    if !host.has_attribute(crate::fragment::SERVER_RENDERED_ATTRIBUTE) {
        return Vec::new();
    }
    std::iter::successors(host.first_child(), |node| node.next_sibling()).collect()
}

/// What the server half embedded in the slot it rendered (its
/// [`state_block`](crate::fragment::state_block)), read before `render` replaces it. `None`
/// when the slot was not server-rendered or the block does not decode as `T`: the remote then
/// loads what it needs itself.
pub fn server_state<T: serde::de::DeserializeOwned>(host: &web_sys::HtmlElement) -> Option<T> {
    if !host.has_attribute(crate::fragment::SERVER_RENDERED_ATTRIBUTE) {
        return None;
    }
    let selector = format!("script[{}]", crate::fragment::STATE_ATTRIBUTE);
    let text = host.query_selector(&selector).ok().flatten()?.text_content()?;
    let value = js_sys::JSON::parse(&text).ok()?;
    super::js::from_js::<T>(value)
        .map_err(|e| web_sys::console::warn_1(&format!("[mount] server state: {e}").into()))
        .ok()
}

/// Reads the context object the shell passed to `mount`.
pub fn context(value: &JsValue) -> Result<MountContext, JsValue> {
    super::js::from_js::<MountContext>(value.clone())
        .map_err(crate::context::ContextError::Invalid)
        .and_then(MountContext::checked)
        .map_err(|e| JsValue::from_str(&e.to_string()))
}

/// Keeps `handle` (e.g. Leptos's `UnmountHandle`) alive while `host` is mounted. Mounting into
/// a host again first drops what was there.
pub fn keep(host: &web_sys::HtmlElement, handle: impl Any) {
    release(host);
    MOUNTED.with(|m| m.borrow_mut().push((host.into(), Box::new(handle))));
}

/// Drops what was mounted into `host`, which removes its view. Returns whether there was one.
pub fn release(host: &web_sys::HtmlElement) -> bool {
    let host: &JsValue = host.as_ref();
    let removed = MOUNTED.with(|m| {
        let mut mounted = m.borrow_mut();
        let index = mounted.iter().position(|(h, _)| h == host)?;
        Some(mounted.swap_remove(index))
    });
    // Dropped outside the borrow: unmounting may run code that mounts again.
    removed.is_some()
}

//! Run-time composition: the manifest says where each remote lives; a [`RemoteSlot`] imports
//! the remote's JS glue the first time its route is entered, instantiates its wasm (checked
//! against the manifest's integrity hash) and calls its exported `mount(host, context)`;
//! leaving the route calls `unmount(host)`.
//!
//! A remote is a separate wasm instance: if it fails to load, throws or panics, only its slot
//! shows the fallback, and Retry loads a fresh instance.
//!
//! The run-time composition pattern in one place (loading, integrity, fallback, Retry and taking
//! over server-rendered slots), which is why it is a little over 400 lines.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use contracts::browser::js::{from_js, to_js};
use contracts::fragment::SERVER_RENDERED_ATTRIBUTE;
use contracts::manifest::{Release, RemoteManifest};
use leptos::prelude::*;
use leptos::task::spawn_local;
use send_wrapper::SendWrapper;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::i18n::{t, Text};
use crate::platform::Platform;

const MANIFEST_URL: &str = "/remotes.json";

#[wasm_bindgen(inline_js = "export function importModule(url) { return import(url); }")]
extern "C" {
    /// The one thing Rust cannot say: a dynamic `import()`.
    #[wasm_bindgen(js_name = importModule)]
    fn import_module(url: &str) -> js_sys::Promise;
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LoadError {
    #[error("the remote manifest could not be loaded ({0})")]
    Manifest(String),
    #[error("no remote named {0} is deployed")]
    NotDeployed(&'static str),
    #[error("{name} speaks contracts {found}, this shell speaks {expected}")]
    Incompatible { name: &'static str, found: u32, expected: u32 },
    #[error("the code of {0} could not be loaded: {1}")]
    Import(&'static str, String),
    #[error("{0} failed while starting: {1}")]
    Mount(&'static str, String),
}

/// A remote's loaded ES module (`default` = init, `mount`, `unmount`) and its version.
#[derive(Clone)]
pub struct Module(JsValue, String);

impl Module {
    /// Calls one of the module's exports.
    pub fn call(&self, export: &str, args: &[&JsValue]) -> Result<(), String> {
        call_export(self, export, args)
    }

    /// The release that loaded.
    pub fn version(&self) -> &str {
        &self.1
    }
}

thread_local! {
    /// The manifest request, shared: the start-up preload and the first slot wait on the same one.
    static MANIFEST: RefCell<Option<js_sys::Promise>> = const { RefCell::new(None) };
    static MODULES: RefCell<HashMap<&'static str, Module>> = RefCell::new(HashMap::new());
    /// Names of remotes the manifest routes to, beyond the built-in ones.
    static NAMES: RefCell<Vec<&'static str>> = const { RefCell::new(Vec::new()) };
}

/// Starts reading the manifest at start-up, so the first remote does not wait for it.
pub fn preload_manifest() {
    spawn_local(async {
        if let Err(e) = manifest().await {
            web_sys::console::warn_1(&format!("[shell] {e}").into());
        }
    });
}

async fn manifest() -> Result<RemoteManifest, LoadError> {
    let request = MANIFEST.with(|m| {
        m.borrow_mut()
            .get_or_insert_with(|| {
                // The manifest as the browser parsed it: every slot reads its own copy from it.
                wasm_bindgen_futures::future_to_promise(async {
                    contracts::browser::http::get_js(MANIFEST_URL).await.map_err(|e| JsValue::from_str(&e.to_string()))
                })
            })
            .clone()
    });
    let answer = JsFuture::from(request).await.and_then(|raw| {
        from_js::<RemoteManifest>(raw).map_err(|e| JsValue::from_str(&format!("the manifest is not valid: {e}")))
    });
    answer.map_err(|e| {
        // A failed request is not kept: Retry asks again.
        MANIFEST.with(|m| m.borrow_mut().take());
        LoadError::Manifest(js_error(e))
    })
}

fn js_error(value: JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| "unknown error".into())
}

/// Loads (once) the remote's module: the live release, or the manifest's fallback release when
/// the live one does not load. After a failure, `attempt > 0` imports a fresh copy so a crashed
/// wasm instance is not reused.
pub async fn load(name: &'static str, attempt: u32) -> Result<Module, LoadError> {
    if attempt == 0 {
        if let Some(module) = MODULES.with(|m| m.borrow().get(name).cloned()) {
            return Ok(module);
        }
    }
    let manifest = manifest().await?;
    let entry = manifest.entry(name).ok_or(LoadError::NotDeployed(name))?;
    let module = match load_release(name, &entry.release, attempt).await {
        Ok(module) => module,
        Err(error) => {
            let Some(fallback) = &entry.fallback else { return Err(error) };
            web_sys::console::warn_1(&format!("[shell] {error}; falling back to {name}@{}", fallback.version).into());
            load_release(name, fallback, attempt).await.map_err(|_| error)?
        }
    };
    MODULES.with(|m| m.borrow_mut().insert(name, module.clone()));
    Ok(module)
}

async fn load_release(name: &'static str, release: &Release, attempt: u32) -> Result<Module, LoadError> {
    if release.contracts_major != contracts::CONTRACTS_MAJOR {
        return Err(LoadError::Incompatible {
            name,
            found: release.contracts_major,
            expected: contracts::CONTRACTS_MAJOR,
        });
    }
    add_stylesheet(name, release);
    let js_url = if attempt == 0 { release.js.clone() } else { format!("{}?attempt={attempt}", release.js) };
    verify_module(&js_url, &release.integrity.js).await.map_err(|e| LoadError::Import(name, e))?;
    let module = JsFuture::from(import_module(&js_url)).await.map_err(|e| LoadError::Import(name, js_error(e)))?;

    // The wasm is fetched with its integrity hash: a tampered binary fails before it runs.
    let init = web_sys::RequestInit::new();
    init.set_integrity(&release.integrity.wasm);
    let window = web_sys::window().ok_or_else(|| LoadError::Import(name, "no window".into()))?;
    let wasm = window.fetch_with_str_and_init(&release.wasm, &init);
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"module_or_path".into(), &wasm)
        .map_err(|e| LoadError::Import(name, js_error(e)))?;
    let init_fn: js_sys::Function = js_sys::Reflect::get(&module, &"default".into())
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or_else(|| LoadError::Import(name, "the module has no default export".into()))?;
    let started = init_fn.call1(&JsValue::NULL, &options).map_err(|e| LoadError::Import(name, js_error(e)))?;
    JsFuture::from(js_sys::Promise::resolve(&started)).await.map_err(|e| LoadError::Import(name, js_error(e)))?;
    Ok(Module(module, release.version.clone()))
}

/// Fetches the remote's JS glue through `<link rel=modulepreload integrity>`: the browser checks
/// the hash and records the module, so the `import()` that follows gets exactly the verified
/// code, and a tampered file never runs.
async fn verify_module(url: &str, integrity: &str) -> Result<(), String> {
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let link = document.create_element("link").map_err(js_error)?;
    let _ = link.set_attribute("rel", "modulepreload");
    let _ = link.set_attribute("integrity", integrity);
    // Needed for a remote on another origin (served with CORS); harmless on this one.
    let _ = link.set_attribute("crossorigin", "anonymous");
    let _ = link.set_attribute("href", url);
    let loaded = js_sys::Promise::new(&mut |resolve, reject| {
        let on_load = Closure::once_into_js(move || resolve.call0(&JsValue::NULL));
        let give_up = reject.clone();
        let on_error = Closure::once_into_js(move || reject.call0(&JsValue::NULL));
        let _ = link.add_event_listener_with_callback("load", on_load.unchecked_ref());
        let _ = link.add_event_listener_with_callback("error", on_error.unchecked_ref());
        // A browser that reports neither must not leave the slot loading forever.
        let on_timeout = Closure::once_into_js(move || give_up.call0(&JsValue::NULL));
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(on_timeout.unchecked_ref(), 15_000);
        }
    });
    document.head().ok_or("no head")?.append_child(&link).map_err(js_error)?;
    JsFuture::from(loaded)
        .await
        .map(|_| ())
        .map_err(|_| "its code is missing or does not match the manifest's integrity hash".to_string())
}

/// The remote's stylesheet, one per remote: a fallback release replaces the live one's. Its rules
/// are scoped to the remote's slots (the build wraps them in `@scope`).
fn add_stylesheet(name: &str, release: &Release) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let id = format!("remote-css-{name}");
    let existing = document.get_element_by_id(&id);
    if existing.as_ref().and_then(|e| e.get_attribute("href")) == release.css {
        return;
    }
    if let Some(old) = existing {
        old.remove();
    }
    let Some(href) = &release.css else { return };
    let Ok(link) = document.create_element("link") else { return };
    let _ = link.set_attribute("id", &id);
    let _ = link.set_attribute("rel", "stylesheet");
    let _ = link.set_attribute("href", href);
    let _ = link.set_attribute("crossorigin", "anonymous");
    if let Some(integrity) = &release.integrity.css {
        let _ = link.set_attribute("integrity", integrity);
    }
    if let Some(head) = document.head() {
        let _ = head.append_child(&link);
    }
}

fn call_export(module: &Module, export: &str, args: &[&JsValue]) -> Result<(), String> {
    let function: js_sys::Function = js_sys::Reflect::get(&module.0, &export.into())
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or_else(|| format!("the module does not export {export}"))?;
    let result = match args {
        [a] => function.call1(&JsValue::NULL, a),
        [a, b] => function.call2(&JsValue::NULL, a, b),
        [a, b, c] => function.call3(&JsValue::NULL, a, b, c),
        _ => function.call0(&JsValue::NULL),
    };
    result.map(|_| ()).map_err(js_error)
}

#[derive(Debug, Clone, PartialEq)]
enum SlotStatus {
    Loading,
    Mounted,
    Failed(LoadError),
}

/// The place on the page where one remote lives: the page, or with `fragment` a small piece of
/// the frame (the cart summary in the header), which loads after the page's remote and fails
/// quietly, showing `fallback` (what the frame offers instead) and Retry. When the visitor signs
/// in or out the remote is mounted again with the new context, so no remote keeps showing what
/// belonged to the previous identity.
#[component]
pub fn RemoteSlot(
    name: &'static str,
    #[prop(optional)] fragment: bool,
    #[prop(optional, into)] fallback: ViewFn,
) -> impl IntoView {
    let platform = expect_context::<Platform>();
    let host = NodeRef::<leptos::html::Div>::new();
    let status = RwSignal::new(SlotStatus::Loading);
    let attempt = RwSignal::new(0u32);
    let version = RwSignal::new(String::new());
    // The slot may be left while its remote is still loading; then it must not mount.
    let alive = Arc::new(AtomicBool::new(true));

    Effect::new({
        let alive = alive.clone();
        move |_| {
            let attempt = attempt.get();
            platform.identity.track();
            if !platform.identity_known.get() || (fragment && !platform.page_settled.get()) {
                return;
            }
            let Some(host) = host.get() else { return };
            let alive = alive.clone();
            // What an earlier mount rendered goes before the new one: a remote that is still
            // mounted is asked to unmount; whatever a failed attempt left is cleared.
            if status.get_untracked() == SlotStatus::Mounted {
                if let Some(module) = MODULES.with(|m| m.borrow().get(name).cloned()) {
                    let _ = call_export(&module, "unmount", &[&host.clone().into()]);
                }
            }
            status.set(SlotStatus::Loading);
            // Server-rendered markup stays until the remote replaces it with its own.
            if !host.has_attribute(SERVER_RENDERED_ATTRIBUTE) {
                host.set_inner_html("");
            }
            let rendered = host.clone();
            spawn_local(async move {
                let result = match load(name, attempt).await {
                    Ok(module) if alive.load(Ordering::Acquire) => {
                        // A slot that already shows the server's markup can wait one task: the
                        // remote's start-up and its first render then do not block as one.
                        if host.has_attribute(SERVER_RENDERED_ATTRIBUTE) {
                            next_task().await;
                        }
                        version.set(module.1.clone());
                        let context = to_js(&platform.mount_context());
                        call_export(&module, "mount", &[&host.into(), &context]).map_err(|e| LoadError::Mount(name, e))
                    }
                    Ok(_) => return,
                    Err(e) => Err(e),
                };
                if !fragment {
                    platform.settle_page();
                }
                match result {
                    Ok(()) => status.set(SlotStatus::Mounted),
                    Err(error) => {
                        web_sys::console::error_1(&format!("[shell] {error}").into());
                        // Whatever a crashed instance left behind must not be reused.
                        MODULES.with(|m| m.borrow_mut().remove(name));
                        // A fragment's server markup would go stale without its browser half (the
                        // badge follows events): the frame's fallback takes its place. A page's
                        // stays, under the fallback: its links still lead on.
                        if fragment && rendered.has_attribute(SERVER_RENDERED_ATTRIBUTE) {
                            rendered.set_inner_html("");
                            let _ = rendered.remove_attribute(SERVER_RENDERED_ATTRIBUTE);
                        }
                        status.set(SlotStatus::Failed(error));
                    }
                }
            });
        }
    });

    on_cleanup({
        let host = SendWrapper::new(host);
        move || {
            alive.store(false, Ordering::Release);
            let Some(element) = host.get_untracked() else { return };
            if let Some(module) = MODULES.with(|m| m.borrow().get(name).cloned()) {
                if let Err(e) = call_export(&module, "unmount", &[&element.into()]) {
                    web_sys::console::warn_1(&format!("[shell] unmounting {}: {e}", name).into());
                }
            }
        }
    });

    let locale = platform.locale;
    let text = move |key| t(&locale.get(), key);
    let retry = move |_| attempt.update(|n| *n += 1);
    view! {
        <section class="remote-slot" class:fragment-slot=fragment data-remote=name data-version=move || version.get()>
            {move || match (status.get(), fragment) {
                (SlotStatus::Loading, false) => Some(view! {
                    <div class="slot-loading" aria-busy="true" aria-live="polite">
                        <span class="slot-spinner" aria-hidden="true"></span>{text(Text::Loading)}
                    </div>
                }.into_any()),
                (SlotStatus::Loading, true) | (SlotStatus::Mounted, _) => None,
                (SlotStatus::Failed(error), false) => Some(view! {
                    <div class="slot-fallback" role="alert" data-testid="remote-fallback">
                        <p class="slot-fallback-title">{text(Text::Unavailable)}</p>
                        <p class="slot-fallback-detail">{error.to_string()}</p>
                        <button type="button" on:click=retry>{text(Text::Retry)}</button>
                    </div>
                }.into_any()),
                // A broken fragment must not crowd the frame: the frame's own fallback still leads on.
                (SlotStatus::Failed(error), true) => Some(view! {
                    <span class="fragment-fallback" data-testid="fragment-fallback" title=error.to_string()>
                        {fallback.run()}
                        <button type="button" class="link-button" on:click=retry>{text(Text::Retry)}</button>
                    </span>
                }.into_any()),
            }}
            <div class="remote-host" node_ref=host></div>
        </section>
    }
}

/// Resolves in a later task (`setTimeout(0)`), after the browser has had its turn.
async fn next_task() {
    let later = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
        }
    });
    let _ = JsFuture::from(later).await;
}

/// Moves the slots the server rendered into `frame` (the page index.html painted first) into the
/// shell's own slots for the same remotes, marked as server-rendered: the remote's `mount` then
/// replaces that markup with its own instead of adding to it. Called in the task that built the
/// shell's page, before anything is painted again.
pub fn adopt_server_rendered(frame: &web_sys::Element) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let marked = format!("[{SERVER_RENDERED_ATTRIBUTE}]");
    while let Some(host) = frame.query_selector(&marked).ok().flatten() {
        let Some(rendered_by) = host.get_attribute(SERVER_RENDERED_ATTRIBUTE) else { break };
        // Taken once: the frame goes right after.
        let _ = host.remove_attribute(SERVER_RENDERED_ATTRIBUTE);
        let remote = rendered_by.split('@').next().unwrap_or_default();
        // The shell's slot for that remote, outside the frame (which has no id="main").
        let selector = format!(
            r#"#main .remote-slot[data-remote="{remote}"] > .remote-host, [data-testid=shell-header] .remote-slot[data-remote="{remote}"] > .remote-host"#
        );
        let Some(target) = document.query_selector(&selector).ok().flatten() else { continue };
        while let Some(child) = host.first_child() {
            let _ = target.append_child(&child);
        }
        let _ = target.set_attribute(SERVER_RENDERED_ATTRIBUTE, &rendered_by);
    }
}

/// The remote a manifest entry routes `path` to (`routes` in the entry: path prefixes), for
/// remotes the shell's route table does not name, e.g. one made with `cargo xtask new-remote`.
pub async fn remote_for_path(path: &str) -> Option<&'static str> {
    let manifest = manifest().await.ok()?;
    let entry = manifest.remotes.iter().find(|entry| {
        entry.routes.iter().any(|route| path == route || path.starts_with(&format!("{}/", route.trim_end_matches('/'))))
    })?;
    Some(NAMES.with(|names| {
        let mut names = names.borrow_mut();
        match names.iter().find(|n| **n == entry.name) {
            Some(name) => *name,
            // Leaked once per remote name: slots keep `&'static str` names like the built-in ones.
            None => {
                let name: &'static str = Box::leak(entry.name.clone().into_boxed_str());
                names.push(name);
                name
            }
        }
    }))
}

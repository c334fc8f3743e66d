//! The thin browser side of the contracts (wasm only): publishing and subscribing to events,
//! reading and changing the URL, and calling the API. Framework-free on purpose.

pub mod events;
pub mod http;
pub mod mount;
pub mod navigation;

use wasm_bindgen::JsValue;

/// Formats money for display with the browser's `Intl.NumberFormat`; the amount itself always
/// comes from the server.
pub fn format_money(money: &crate::api::Money, locale: &str) -> String {
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"style".into(), &"currency".into());
    let _ = js_sys::Reflect::set(&options, &"currency".into(), &money.currency.as_str().into());
    let locale = crate::context::Language::of(locale).tag();
    let formatter = js_sys::Intl::NumberFormat::new(&js_sys::Array::of1(&locale.into()), &options);
    let format = formatter.format();
    format
        .call1(&JsValue::NULL, &money.major_units().into())
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| format!("{:.2} {}", money.major_units(), money.currency))
}

/// A User Timing mark (`performance.mark`), e.g. when a remote has rendered its main content.
/// `cargo xtask bench` reads them; they cost nothing otherwise.
pub fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(name);
    }
}

/// Logs panics to the console with the remote's name. With `panic = "abort"` the remote's wasm
/// instance stops after this; the shell sees the trap and shows the remote's fallback.
pub fn install_panic_hook(owner: &'static str) {
    std::panic::set_hook(Box::new(move |info| {
        web_sys::console::error_1(&format!("[{owner}] panicked: {info}").into());
    }));
}

/// A random lowercase hex string of `len` characters, for event and trace ids (not secrets).
pub(crate) fn random_hex(len: usize) -> String {
    let mut bytes = vec![0u8; len.div_ceil(2)];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .and_then(|c| c.get_random_values_with_u8_array(&mut bytes).ok())
        .is_some();
    if !filled {
        for b in bytes.iter_mut() {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    let mut hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    hex.truncate(len);
    hex
}

/// Formats a server timestamp (milliseconds since the Unix epoch) as a date in `locale`,
/// e.g. `Nov 26, 2026` or `26.11.2026`.
pub fn format_date(millis: i64, locale: &str) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(millis as f64));
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"medium".into());
    date.to_locale_string(crate::context::Language::of(locale).tag(), &options).as_string().unwrap_or_default()
}

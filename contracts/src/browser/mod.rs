//! The thin browser side of the contracts (wasm only): publishing and subscribing to events,
//! reading and changing the URL and following the locale (`navigation`), calling the API
//! (`http`), and loading what a view shows (`load`: once, or the newest of a series). Every remote
//! uses these same idioms; framework-free on purpose, so the plain-DOM cart summary does too.

pub mod events;
pub mod http;
pub mod js;
pub mod load;
pub mod mount;
pub mod navigation;

/// A User Timing mark (`performance.mark`), e.g. when a remote has rendered its main content.
/// `cargo xtask bench` reads them; they cost nothing otherwise.
pub fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(name);
    }
}

/// Logs panics to the console with the remote's name, in debug builds (the browser tests).
///
/// Release bundles are built with `panic = "immediate-abort"`: a panic is a trap at once, with no
/// message and none of the formatting code a message needs. The wasm instance stops; the shell
/// sees the trap as the remote's error and shows that remote's fallback, nothing else.
pub fn install_panic_hook(owner: &'static str) {
    #[cfg(debug_assertions)]
    std::panic::set_hook(Box::new(move |info| {
        web_sys::console::error_1(&format!("[{owner}] panicked: {info}").into());
    }));
    #[cfg(not(debug_assertions))]
    let _ = owner;
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
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut hex: String =
        bytes.iter().flat_map(|b| [DIGITS[(b >> 4) as usize] as char, DIGITS[(b & 15) as usize] as char]).collect();
    hex.truncate(len);
    hex
}

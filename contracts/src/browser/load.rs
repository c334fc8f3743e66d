//! The one idiom by which a remote loads what it shows: what the server half already sent comes
//! from [`crate::browser::mount::server_state`]; anything else is a request whose answer goes to
//! the view through [`once`], or through [`Newest::run`] when the request follows something the
//! visitor changes (the URL, a fragment's inputs), so that only the newest answer is shown.
//! Framework-free like the rest of this module: `deliver` is where a remote sets its signal.

use std::fmt::Display;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Starts `request` and hands its answer to `deliver`, an error as the text the view shows.
pub fn once<T, E>(
    request: impl Future<Output = Result<T, E>> + 'static,
    deliver: impl FnOnce(Result<T, String>) + 'static,
) where
    T: 'static,
    E: Display,
{
    wasm_bindgen_futures::spawn_local(async move { deliver(request.await.map_err(|e| e.to_string())) });
}

/// Requests of which only the newest may deliver: answers can arrive out of order, and the answer
/// to a question the visitor has since changed (another product, another filter) must not cover
/// the one they now look at. Cheap to clone, `Send + Sync`, so an effect can hold it.
#[derive(Clone, Default)]
pub struct Newest(Arc<AtomicU64>);

impl Newest {
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts `request`; `deliver` gets its output unless another request was started since.
    pub fn run<T: 'static>(&self, request: impl Future<Output = T> + 'static, deliver: impl FnOnce(T) + 'static) {
        let ticket = self.0.fetch_add(1, Ordering::Relaxed) + 1;
        let issued = self.0.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let answer = request.await;
            if issued.load(Ordering::Relaxed) == ticket {
                deliver(answer);
            }
        });
    }

    /// Makes every request on its way stale without starting another (the input became invalid).
    pub fn forget(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::rc::Rc;

    use wasm_bindgen::JsValue;
    use wasm_bindgen_futures::JsFuture;
    use wasm_bindgen_test::*;

    use super::*;

    /// A promise and the function that resolves it.
    fn pending() -> (js_sys::Promise, js_sys::Function) {
        let mut resolve = None;
        let promise = js_sys::Promise::new(&mut |res, _| resolve = Some(res));
        (promise, resolve.expect("the executor runs at once"))
    }

    async fn settle() {
        for _ in 0..3 {
            let _ = JsFuture::from(js_sys::Promise::resolve(&JsValue::NULL)).await;
        }
    }

    #[wasm_bindgen_test]
    async fn only_the_newest_request_delivers_even_when_an_older_one_answers_last() {
        let newest = Newest::new();
        let shown = Rc::new(RefCell::new(Vec::new()));
        let (first, answer_first) = pending();
        let (second, answer_second) = pending();
        for (promise, name) in [(first, "first"), (second, "second")] {
            let shown = shown.clone();
            newest.run(JsFuture::from(promise), move |_| shown.borrow_mut().push(name));
        }
        answer_second.call0(&JsValue::NULL).unwrap();
        settle().await;
        answer_first.call0(&JsValue::NULL).unwrap();
        settle().await;
        assert_eq!(*shown.borrow(), ["second"]);
    }

    #[wasm_bindgen_test]
    async fn a_forgotten_request_delivers_nothing_and_an_error_arrives_as_text() {
        let newest = Newest::new();
        let shown = Rc::new(RefCell::new(Vec::new()));
        let (promise, answer) = pending();
        let seen = shown.clone();
        newest.run(JsFuture::from(promise), move |_| seen.borrow_mut().push("late".to_string()));
        newest.forget();
        answer.call0(&JsValue::NULL).unwrap();
        let seen = shown.clone();
        once(async { Err::<(), _>("the API is down") }, move |answer| seen.borrow_mut().push(answer.unwrap_err()));
        settle().await;
        assert_eq!(*shown.borrow(), ["the API is down"]);
    }
}

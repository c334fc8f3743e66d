//! The browser helpers in a real browser (headless Chromium via wasm-bindgen-test-runner):
//! consumers decode through the contract, ignore what they cannot read, never panic, and report
//! every outcome to the event inspector.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use contracts::browser::events::{publish, subscribe};
use contracts::events::{CartUpdated, ConsumeOutcome, Envelope, EventConsumed};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn dispatch(name: &str, detail: &JsValue) {
    let init = web_sys::CustomEventInit::new();
    init.set_detail(detail);
    let event = web_sys::CustomEvent::new_with_event_init_dict(name, &init).unwrap();
    web_sys::window().unwrap().dispatch_event(&event).unwrap();
}

fn json(text: &str) -> JsValue {
    js_sys::JSON::parse(text).unwrap()
}

/// Collects the inspector reports of one consumer, read raw as the inspector does.
fn reports_of(consumer: &'static str) -> (Rc<RefCell<Vec<EventConsumed>>>, gloo_events::EventListener) {
    let reports: Rc<RefCell<Vec<EventConsumed>>> = Rc::default();
    let sink = reports.clone();
    let window = web_sys::window().unwrap();
    let listener = gloo_events::EventListener::new(&window, "telemetry:event-consumed", move |event| {
        use wasm_bindgen::JsCast;
        let detail = event.dyn_ref::<web_sys::CustomEvent>().unwrap().detail();
        let text = js_sys::JSON::stringify(&detail).unwrap().as_string().unwrap();
        let envelope: Envelope<EventConsumed> = serde_json::from_str(&text).unwrap();
        if envelope.payload.consumer == consumer {
            sink.borrow_mut().push(envelope.payload);
        }
    });
    (reports, listener)
}

#[wasm_bindgen_test]
fn malformed_events_are_ignored_and_reported_as_rejected() {
    let handled: Rc<RefCell<Vec<CartUpdated>>> = Rc::default();
    let sink = handled.clone();
    let _consumer = subscribe::<CartUpdated, _>("browser-test", move |e| sink.borrow_mut().push(e.payload));
    let (reports, _inspector) = reports_of("browser-test");

    let envelope = |version: u32, payload: &str| {
        json(&format!(
            r#"{{"name":"cart:updated","version":{version},"publisher":"test@1","id":"e{version}","time":1,"traceId":"","payload":{payload}}}"#
        ))
    };
    let bad = [
        envelope(2, r#"{"cartId":"c","itemCount":1}"#),
        envelope(1, r#"{"cartId":"c","itemCount":-1}"#),
        envelope(1, r#"{"cartId":"c","itemCount":"1"}"#),
        envelope(1, r#"{"cartId":"c"}"#),
        envelope(1, r#"{"cartId":"","itemCount":1}"#),
        envelope(1, "[]"),
        JsValue::NULL,
        JsValue::UNDEFINED,
        JsValue::from_str("cart:updated"),
        JsValue::from_f64(4.0),
    ];
    for detail in &bad {
        dispatch("cart:updated", detail);
    }
    assert!(handled.borrow().is_empty(), "a malformed event reached the handler");
    assert_eq!(reports.borrow().len(), bad.len());
    assert!(reports.borrow().iter().all(|r| r.outcome == ConsumeOutcome::Rejected && r.reason.is_some()));
    assert_eq!(reports.borrow()[0].event_id, "e2");

    publish("test@1", "", CartUpdated { cart_id: "cart_1".into(), item_count: 3 });
    assert_eq!(handled.borrow().as_slice(), [CartUpdated { cart_id: "cart_1".into(), item_count: 3 }]);
    assert_eq!(reports.borrow().last().map(|r| r.outcome), Some(ConsumeOutcome::Handled));
}

#[wasm_bindgen_test]
fn published_details_are_plain_objects() {
    let seen: Rc<RefCell<Option<JsValue>>> = Rc::default();
    let sink = seen.clone();
    let window = web_sys::window().unwrap();
    let _raw = gloo_events::EventListener::new(&window, "cart:updated", move |event| {
        use wasm_bindgen::JsCast;
        *sink.borrow_mut() = Some(event.dyn_ref::<web_sys::CustomEvent>().unwrap().detail());
    });
    publish("cart@0.1.0", "4bf92f3577b34da6a3ce929d0e0e4736", CartUpdated { cart_id: "cart_1".into(), item_count: 2 });
    let detail = seen.borrow().clone().expect("the event was dispatched");
    let get = |target: &JsValue, key: &str| js_sys::Reflect::get(target, &key.into()).unwrap();
    let payload = get(&detail, "payload");
    assert_eq!(get(&payload, "itemCount").as_f64(), Some(2.0));
    assert_eq!(get(&detail, "name").as_string().as_deref(), Some("cart:updated"));
    assert_eq!(get(&detail, "traceId").as_string().as_deref(), Some("4bf92f3577b34da6a3ce929d0e0e4736"));
    assert_eq!(js_sys::Object::get_prototype_of(&payload), js_sys::Object::get_prototype_of(&js_sys::Object::new()));
}

/// What the server writes into its HTML and what the browser shows after taking over must be the
/// same text: `contracts::format` (used on both sides) writes money and dates as `Intl` does.
#[wasm_bindgen_test]
fn money_and_dates_read_as_intl_writes_them() {
    use contracts::api::Money;
    use js_sys::{Array, Intl, Object, Reflect};
    let options = |pairs: &[(&str, &str)]| {
        let o = Object::new();
        for (k, v) in pairs {
            Reflect::set(&o, &(*k).into(), &(*v).into()).unwrap();
        }
        o
    };
    for locale in contracts::context::LOCALES {
        let money_format = Intl::NumberFormat::new(
            &Array::of1(&locale.into()),
            &options(&[("style", "currency"), ("currency", "EUR")]),
        );
        for amount in [0i64, 5, 99, 100, 1999, 4990, 123_456, 100_000_000, -490] {
            let intl = money_format
                .format()
                .call1(&JsValue::NULL, &((amount as f64) / 100.0).into())
                .unwrap()
                .as_string()
                .unwrap();
            assert_eq!(contracts::format::money(&Money::new(amount, "EUR"), locale), intl, "{amount} in {locale}");
        }
        let date_format = Intl::DateTimeFormat::new(
            &Array::of1(&locale.into()),
            &options(&[("dateStyle", "medium"), ("timeZone", "UTC")]),
        );
        for millis in [0i64, 951_782_400_000, 1_795_694_400_000, 1_795_737_599_000] {
            let intl = date_format
                .format()
                .call1(&JsValue::NULL, &js_sys::Date::new(&(millis as f64).into()))
                .unwrap()
                .as_string()
                .unwrap();
            assert_eq!(contracts::format::date(millis, locale), intl, "{millis} in {locale}");
        }
    }
}

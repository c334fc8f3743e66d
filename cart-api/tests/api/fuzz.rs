//! Whatever a client sends, the answer is never a 5xx: generated bodies, ids and query strings
//! thrown at every route, by a guest and by a signed-in visitor.

use proptest::prelude::*;
use reqwest::Method;

/// Every route with a placeholder for its id, and the methods it answers.
const ROUTES: &[(&str, &[&str])] = &[
    ("/api/products", &["GET"]),
    ("/api/products/{}", &["GET"]),
    ("/api/categories", &["GET"]),
    ("/api/cart", &["GET"]),
    ("/api/cart/items", &["POST"]),
    ("/api/cart/items/{}", &["PATCH", "DELETE"]),
    ("/api/accounts", &["POST"]),
    ("/api/session/login", &["POST"]),
    ("/api/session/logout", &["POST"]),
    ("/api/me", &["GET"]),
    ("/api/checkout/sessions", &["POST"]),
    ("/api/checkout/sessions/{}", &["GET"]),
    ("/api/checkout/sessions/{}/address", &["PUT"]),
    ("/api/payments", &["POST"]),
    ("/api/orders", &["GET", "POST"]),
    ("/api/orders/{}", &["GET"]),
    ("/api/analytics/events", &["POST"]),
    ("/api/csp-reports", &["POST"]),
    ("/api/{}", &["GET", "POST", "PUT"]),
];

/// JSON that looks like the API's bodies with wrong, missing, extra and hostile values.
fn body() -> impl Strategy<Value = String> {
    let scalar = prop_oneof![
        Just("null".to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|n| if n.is_finite() { n.to_string() } else { "1e999".into() }),
        "\\PC{0,24}".prop_map(|s| serde_json::to_string(&s).unwrap()),
        Just("true".to_string()),
        Just("[]".to_string()),
        Just("{}".to_string()),
    ];
    let key = prop_oneof![
        Just("productId"),
        Just("variantId"),
        Just("quantity"),
        Just("email"),
        Just("password"),
        Just("displayName"),
        Just("checkoutSessionId"),
        Just("cardNumber"),
        Just("expiry"),
        Just("cvc"),
        Just("name"),
        Just("line1"),
        Just("city"),
        Just("postalCode"),
        Just("country"),
        Just("events"),
        Just("price"),
        Just("__proto__"),
    ];
    prop_oneof![
        prop::collection::vec((key, scalar.clone()), 0..6).prop_map(|fields| {
            let inner: Vec<String> = fields.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
            format!("{{{}}}", inner.join(","))
        }),
        scalar,
        "\\PC{0,64}",
        Just("{\"productId\":1,\"quantity\":1".to_string()),
        Just("x".repeat(20_000)),
    ]
}

fn id() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z_0-9]{0,40}",
        "\\PC{1,20}".prop_map(|s| contracts::routes::encode_component(&s)),
        Just("..%2F..%2Fetc%2Fpasswd".to_string()),
        Just("%00".to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        Just("-1".to_string()),
    ]
}

fn query() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        Just("q"),
        Just("category"),
        Just("sort"),
        Just("page"),
        Just("pageSize"),
        Just("minPrice"),
        Just("maxPrice"),
        Just("inStock"),
        Just("variant"),
        Just("x"),
    ];
    prop::collection::vec((key, "\\PC{0,12}"), 0..5).prop_map(|pairs| {
        pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", contracts::routes::encode_component(v)))
            .collect::<Vec<_>>()
            .join("&")
    })
}

fn content_type() -> impl Strategy<Value = Option<&'static str>> {
    prop_oneof![
        Just(Some("application/json")),
        Just(Some("text/plain")),
        Just(None),
        Just(Some("application/json; charset=utf-8"))
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn no_request_is_answered_with_a_5xx(
        route in 0..ROUTES.len(),
        method_pick in 0usize..3,
        id in id(),
        query in query(),
        body in body(),
        content_type in content_type(),
        signed_in in any::<bool>(),
        if_match in proptest::option::of("\\PC{0,8}"),
        idempotency_key in proptest::option::of("\\PC{0,8}"),
    ) {
        RUNTIME.with(|(runtime, app)| runtime.block_on(async {
            let (template, methods) = ROUTES[route];
            let method = Method::from_bytes(methods[method_pick % methods.len()].as_bytes()).unwrap();
            let path = template.replace("{}", &id);
            let url = if query.is_empty() { app.url(&path) } else { app.url(&format!("{path}?{query}")) };
            let client = if signed_in { &app.signed_in } else { &app.guest };
            let mut request = client.request(method.clone(), &url).header("Origin", &app.app.base);
            if method != Method::GET {
                request = request.body(body.clone());
            }
            if let Some(content_type) = content_type {
                request = request.header("Content-Type", content_type);
            }
            if let Some(value) = if_match.as_ref().and_then(|v| reqwest::header::HeaderValue::from_str(v).ok()) {
                request = request.header("If-Match", value);
            }
            if let Some(value) = idempotency_key.as_ref().and_then(|v| reqwest::header::HeaderValue::from_str(v).ok()) {
                request = request.header("Idempotency-Key", value);
            }
            let response = request.send().await.expect("the server answers");
            prop_assert!(!response.status().is_server_error(), "{method} {url} answered {}", response.status());
            if response.status().is_client_error() {
                let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
                prop_assert_eq!(content_type, "application/problem+json", "{} {}", method, url);
            }
            Ok(())
        }))?;
    }
}

struct Fuzzed {
    app: crate::helpers::TestApp,
    guest: reqwest::Client,
    signed_in: reqwest::Client,
}

impl Fuzzed {
    fn url(&self, path: &str) -> String {
        self.app.url(path)
    }
}

thread_local! {
    /// One server for every case: starting one per case would test start-up, not requests.
    static RUNTIME: (tokio::runtime::Runtime, Fuzzed) = {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let fuzzed = runtime.block_on(async {
            let app = crate::helpers::spawn_app().await;
            let signed_in = crate::helpers::visitor();
            let login = signed_in
                .post(app.url("/api/session/login"))
                .json(&serde_json::json!({ "email": "demo@shop.test", "password": "demo-password" }))
                .send()
                .await
                .unwrap();
            assert!(login.status().is_success());
            // Something in the cart, so line ids and checkouts exist to aim at.
            let _ = signed_in.post(app.url("/api/cart/items")).json(&serde_json::json!({ "productId": 1, "variantId": "default", "quantity": 1 })).send().await;
            Fuzzed { guest: crate::helpers::visitor(), signed_in, app }
        });
        (runtime, fuzzed)
    };
}

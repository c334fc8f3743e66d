//! Durability against the real server process: an add the server acknowledged survives
//! `kill -9` and a restart on the same database, and so does the session that made it.

use std::process::{Child, Command};
use std::time::Duration;

use contracts::api::Cart;
use reqwest::StatusCode;
use serde_json::json;
use tempfile::TempDir;
use test_support::TestDatabase;

/// The server binary of this package, on `port` (0: any) and `database`.
fn start(database: &str, port: u16) -> (Child, String) {
    let (child, base, _log) = test_support::start_server(env!("CARGO_BIN_EXE_cart-api"), database, port, &[]);
    (child, base)
}

/// One visitor; no pooled connections, which would outlive the killed server.
fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

/// A database of the test's own (a SQLite file in the returned directory, or on PostgreSQL).
async fn database() -> (TempDir, TestDatabase) {
    let dir = TempDir::new().unwrap();
    let database = TestDatabase::fresh(&dir.path().join("test.db")).await;
    (dir, database)
}

/// The port of `http://127.0.0.1:PORT`, to restart a server where it was.
fn port_of(base: &str) -> u16 {
    base.rsplit(':').next().and_then(|p| p.parse().ok()).expect("a port")
}

fn kill_hard(child: &mut Child) {
    // SIGKILL: no graceful shutdown, no flush, exactly like a crash.
    let _ = child.kill();
    let _ = child.wait();
}

#[tokio::test]
async fn acknowledged_adds_and_sessions_survive_kill_9() {
    let (_dir, db) = database().await;
    let database = db.url.as_str();
    let (mut server, base) = start(database, 0);
    let port = port_of(&base);
    let client = client();

    // Every in-stock variant of the first page, added one at a time in turn.
    let page: serde_json::Value =
        client.get(format!("{base}/api/products?pageSize=24&inStock=true")).send().await.unwrap().json().await.unwrap();
    let mut items: Vec<serde_json::Value> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| {
            let id = p["id"].clone();
            p["variants"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|v| v["stock"].as_u64() > Some(0))
                .map(move |v| json!({ "productId": id, "variantId": v["id"], "quantity": 1 }))
                .collect::<Vec<_>>()
        })
        .collect();
    items.truncate(40);

    // A stream of adds; the server is killed while it runs.
    let adder = {
        let client = client.clone();
        let base = base.clone();
        tokio::spawn(async move {
            let mut acknowledged = 0u32;
            let mut next = 0usize;
            while !items.is_empty() {
                next = (next + 1) % items.len();
                match client.post(format!("{base}/api/cart/items")).json(&items[next]).send().await {
                    Ok(r) if r.status() == StatusCode::OK => match r.json::<Cart>().await {
                        Ok(cart) => acknowledged = cart.item_count,
                        Err(_) => return acknowledged,
                    },
                    // Sold out or full: this variant is done.
                    Ok(_) => {
                        items.swap_remove(next);
                    }
                    Err(_) => return acknowledged,
                }
            }
            acknowledged
        })
    };
    tokio::time::sleep(Duration::from_millis(400)).await;
    kill_hard(&mut server);
    let acknowledged = adder.await.unwrap();
    assert!(acknowledged > 0, "no add was acknowledged before the kill");
    eprintln!("{acknowledged} adds acknowledged before kill -9");

    let (mut restarted, base) = start(database, port);
    let cart: Cart = client.get(format!("{base}/api/cart")).send().await.unwrap().json().await.unwrap();
    assert!(
        cart.item_count >= acknowledged,
        "acknowledged {acknowledged} items, found {} after kill -9 and restart",
        cart.item_count
    );
    // At most the one add that was in flight when the process died can be there unacknowledged.
    assert!(cart.item_count <= acknowledged + 1, "{} > {acknowledged} + 1", cart.item_count);
    kill_hard(&mut restarted);
}

#[tokio::test]
async fn a_signed_in_session_survives_a_restart() {
    let (_dir, db) = database().await;
    let database = db.url.as_str();
    let (mut server, base) = start(database, 0);
    let port = port_of(&base);
    let client = client();
    let login = client
        .post(format!("{base}/api/session/login"))
        .json(&json!({ "email": "demo@shop.test", "password": "demo-password" }))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), StatusCode::OK);
    kill_hard(&mut server);

    let (mut restarted, base) = start(database, port);
    let me: serde_json::Value = client.get(format!("{base}/api/me")).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["loggedIn"], true, "{me}");
    kill_hard(&mut restarted);
}

/// Two cart-api processes on one database (as behind a load balancer) share sessions, carts,
/// checkout sessions and idempotency keys: a shopper moved between them mid-checkout finishes
/// with one order.
#[tokio::test]
async fn two_servers_on_one_database_share_a_shopper_mid_checkout() {
    let (_dir, db) = database().await;
    let database = db.url.as_str();
    let (mut a, base_a) = start(database, 0);
    let (mut b, base_b) = start(database, 0);
    let shopper = client();
    let post =
        |base: &str, path: &str, body: serde_json::Value| shopper.post(format!("{base}{path}")).json(&body).send();

    let login = post(&base_a, "/api/session/login", json!({ "email": "demo@shop.test", "password": "demo-password" }))
        .await
        .unwrap();
    assert_eq!(login.status(), StatusCode::OK);
    let product: serde_json::Value =
        shopper.get(format!("{base_b}/api/products/1")).send().await.unwrap().json().await.unwrap();
    let item = json!({ "productId": 1, "variantId": product["variants"][0]["id"], "quantity": 1 });
    let added = shopper
        .post(format!("{base_b}/api/cart/items"))
        .header("Idempotency-Key", "add-1")
        .json(&item)
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), StatusCode::OK, "B knows the session A started");
    // The same key on the other server is the same write: replayed, not repeated.
    let replayed = shopper
        .post(format!("{base_a}/api/cart/items"))
        .header("Idempotency-Key", "add-1")
        .json(&item)
        .send()
        .await
        .unwrap();
    assert_eq!(replayed.headers()["idempotent-replayed"], "true");

    let checkout: serde_json::Value =
        post(&base_a, "/api/checkout/sessions", json!({})).await.unwrap().json().await.unwrap();
    let id = checkout["id"].as_str().unwrap().to_string();
    let address = json!({ "name": "Ada Lovelace", "line1": "Hauptstraße 1", "city": "Berlin", "postalCode": "10115", "country": "DE" });
    let put = shopper.put(format!("{base_b}/api/checkout/sessions/{id}/address")).json(&address).send().await.unwrap();
    assert_eq!(put.status(), StatusCode::OK);
    let card = json!({ "checkoutSessionId": id, "cardNumber": "4242424242424242", "expiry": "12/34", "cvc": "123" });
    assert_eq!(post(&base_a, "/api/payments", card).await.unwrap().status(), StatusCode::CREATED);
    let placed_b = post(&base_b, "/api/orders", json!({ "checkoutSessionId": id })).await.unwrap();
    assert_eq!(placed_b.status(), StatusCode::CREATED);
    let placed_a = post(&base_a, "/api/orders", json!({ "checkoutSessionId": id })).await.unwrap();
    assert_eq!(placed_a.status(), StatusCode::OK, "the other server answers the same order");
    let orders: Vec<serde_json::Value> =
        shopper.get(format!("{base_a}/api/orders")).send().await.unwrap().json().await.unwrap();
    assert_eq!(orders.len(), 1);
    let cart: Cart = shopper.get(format!("{base_b}/api/cart")).send().await.unwrap().json().await.unwrap();
    assert_eq!(cart.item_count, 0);
    kill_hard(&mut a);
    kill_hard(&mut b);
}

/// SIGTERM drains: the requests in flight finish, new connections are refused, and the process
/// exits 0. Every add the server acknowledged is there after a restart, and every answer that
/// arrived arrived whole.
#[tokio::test]
async fn sigterm_during_a_stream_of_adds_drains_and_loses_nothing() {
    let (_dir, db) = database().await;
    let database = db.url.as_str();
    let (mut server, base) = start(database, 0);
    let port = port_of(&base);
    let client = client();
    let page: serde_json::Value =
        client.get(format!("{base}/api/products?pageSize=24&inStock=true")).send().await.unwrap().json().await.unwrap();
    let items: Vec<serde_json::Value> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| {
            let variant = p["variants"].as_array()?.iter().find(|v| v["stock"].as_u64() > Some(5))?;
            Some(json!({ "productId": p["id"], "variantId": variant["id"], "quantity": 1 }))
        })
        .take(20)
        .collect();

    // The first add starts the session the others share.
    let first = client.post(format!("{base}/api/cart/items")).json(&items[0]).send().await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);

    // Four streams of adds into one cart, so that some are in flight when SIGTERM comes.
    let adders: Vec<_> = (0..4)
        .map(|a| {
            let (client, base, items) = (client.clone(), base.clone(), items.clone());
            tokio::spawn(async move {
                // The largest item count the server told of: every cart it acknowledged had it.
                let (mut acknowledged, mut unanswered) = (0u32, 0u32);
                for n in 0.. {
                    let item = &items[(a + n * 4) % items.len()];
                    match client.post(format!("{base}/api/cart/items")).json(item).send().await {
                        Ok(r) if r.status() == StatusCode::OK => {
                            // An answer that started arrives whole: the drain does not cut it.
                            let cart: Cart = r.json().await.expect("a whole answer");
                            acknowledged = acknowledged.max(cart.item_count);
                        }
                        Ok(r) if r.status().is_server_error() => panic!("an add answered {}", r.status()),
                        // Sold out or full: refused and answered, nothing to count.
                        Ok(_) => {}
                        // Refused: the server stopped accepting. Nothing more will get through.
                        Err(e) if e.is_connect() => return (acknowledged, unanswered),
                        // Accepted but closed before it was read: not acknowledged, maybe not done.
                        Err(_) => unanswered += 1,
                    }
                }
                unreachable!()
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(400)).await;
    let sent = Command::new("kill").args(["-TERM", &server.id().to_string()]).status().expect("kill runs");
    assert!(sent.success());
    let (mut acknowledged, mut unanswered) = (0u32, 0u32);
    for adder in adders {
        let (told, lost) = adder.await.unwrap();
        acknowledged = acknowledged.max(told);
        unanswered += lost;
    }
    let exited = wait_for_exit(&mut server, Duration::from_secs(30));
    assert_eq!(exited.and_then(|s| s.code()), Some(0), "cart-api did not exit 0 after SIGTERM");
    assert!(acknowledged > 0, "no add was acknowledged before SIGTERM");
    eprintln!("{acknowledged} items acknowledged before and during the drain, {unanswered} adds unanswered");

    let (mut restarted, base) = start(database, port);
    let cart: Cart = client.get(format!("{base}/api/cart")).send().await.unwrap().json().await.unwrap();
    assert!(cart.item_count >= acknowledged, "acknowledged {acknowledged} items, the cart holds {}", cart.item_count);
    assert!(cart.item_count <= acknowledged + unanswered, "{} > {acknowledged} + {unanswered}", cart.item_count);
    kill_hard(&mut restarted);
}

fn wait_for_exit(child: &mut Child, within: Duration) -> Option<std::process::ExitStatus> {
    let deadline = std::time::Instant::now() + within;
    while std::time::Instant::now() < deadline {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    kill_hard(child);
    None
}

//! Clients a public shop meets every day: connections that never finish a request, bodies sent a
//! byte at a time, more connections than the cap, and a flood of sign-ups from one address.
//! Times here are limits the server is configured with; the tests assert what happens within
//! them (plus slack for a loaded machine), never how fast anything was.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Generous room for a busy CI machine on top of a configured timeout.
const SLACK: Duration = Duration::from_secs(5);

/// `host:port` of a `TestApp`.
fn authority(app: &crate::helpers::TestApp) -> String {
    app.base.trim_start_matches("http://").to_string()
}

/// Reads until the server closes the connection (or `within` passes); returns what it sent, or
/// `None` if the connection was still open.
async fn read_until_closed(stream: &mut TcpStream, within: Duration) -> Option<Vec<u8>> {
    let mut received = Vec::new();
    let deadline = tokio::time::Instant::now() + within;
    let mut buffer = [0u8; 4096];
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buffer)).await {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some(received),
            Ok(Ok(n)) => received.extend_from_slice(&buffer[..n]),
        }
    }
}

fn a_client() -> reqwest::Client {
    reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap()
}

#[tokio::test]
async fn half_sent_requests_are_closed_within_the_header_timeout_while_others_are_served() {
    let header_timeout = Duration::from_secs(2);
    let app = crate::helpers::spawn_app_configured(|c| c.limits.header_read_timeout = header_timeout).await;
    let mut stalled = Vec::new();
    for _ in 0..300 {
        let mut stream = TcpStream::connect(authority(&app)).await.expect("the server accepts");
        stream.write_all(b"GET /api/prod").await.unwrap();
        stalled.push(stream);
    }
    let opened = Instant::now();

    // While all of them hang, others are answered.
    let health = a_client().get(app.url("/api/health")).send().await.expect("health answers");
    assert_eq!(health.status(), StatusCode::OK);
    let added = app.add(json!({ "productId": 1, "variantId": "red", "quantity": 1 })).await;
    assert_eq!(added.status(), StatusCode::OK);

    let within = header_timeout + SLACK;
    for (n, stream) in stalled.iter_mut().enumerate() {
        let left = within.saturating_sub(opened.elapsed());
        assert!(read_until_closed(stream, left).await.is_some(), "connection {n} still open after {within:?}");
    }
}

#[tokio::test]
async fn a_body_sent_a_byte_a_second_is_cut_off_with_a_408_problem() {
    let request_timeout = Duration::from_secs(2);
    let app = crate::helpers::spawn_app_configured(|c| c.limits.request_timeout = request_timeout).await;
    let mut stream = TcpStream::connect(authority(&app)).await.unwrap();
    let head = format!(
        "POST /api/cart/items HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: 64\r\n\r\n",
        authority(&app)
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    let trickle = tokio::spawn(async move {
        for byte in b"{\"productId\": 1, \"variantId\": \"red\", \"quantity\": 1}".iter().cycle().take(64) {
            if writer.write_all(&[*byte]).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    });

    let mut answer = Vec::new();
    let read = tokio::time::timeout(request_timeout + SLACK, reader.read_to_end(&mut answer)).await;
    trickle.abort();
    assert!(read.is_ok(), "the connection was not closed within {:?}", request_timeout + SLACK);
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    let lower = answer.to_ascii_lowercase();
    assert!(lower.contains("content-type: application/problem+json"), "{answer}");
    assert!(lower.contains("connection: close"), "{answer}");
    assert!(answer.contains("\"/problems/request-timeout\""), "{answer}");
}

#[tokio::test]
async fn beyond_the_connection_cap_a_new_connection_waits_then_is_served() {
    let app = crate::helpers::spawn_app_configured(|c| {
        c.limits.max_connections = 8;
        c.limits.header_read_timeout = Duration::from_secs(2);
    })
    .await;
    let mut silent = Vec::new();
    for _ in 0..8 {
        silent.push(TcpStream::connect(authority(&app)).await.unwrap());
    }
    // Let the server take all eight before the ninth arrives.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let client = a_client();
    let ninth = tokio::spawn({
        let url = app.url("/api/health");
        async move { client.get(url).send().await.map(|r| r.status()) }
    });
    // The ninth waits in the backlog while the cap is reached: nothing answers it before the
    // silent ones are closed by their header timeout.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(!ninth.is_finished(), "a connection beyond the cap was served at once");
    let status = ninth.await.unwrap().expect("the ninth connection is served once a place is free");
    assert_eq!(status, StatusCode::OK);
    drop(silent);
}

#[tokio::test]
async fn a_flood_of_sign_ups_from_one_address_leaves_the_catalogue_to_everyone_else() {
    let app = crate::helpers::spawn_app_configured(|c| c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()]).await;
    let flood: Vec<_> = (0..120)
        .map(|n| {
            let request = a_client()
                .post(app.url("/api/accounts"))
                .header("X-Forwarded-For", "203.0.113.7")
                .json(&json!({ "email": format!("flood{n}@spam.test"), "password": "flood-password", "displayName": "Flood" }));
            tokio::spawn(async move {
                let response = request.send().await.expect("a sign-up is answered");
                let status = response.status();
                let problem = response.headers().get("content-type").is_some_and(|v| v == "application/problem+json");
                (status, problem, response.text().await.unwrap_or_default())
            })
        })
        .collect();

    // Someone else browses meanwhile; they are answered, not shed. How fast is printed only.
    let shopper = crate::helpers::visitor();
    let mut latencies = Vec::new();
    for _ in 0..20 {
        let started = Instant::now();
        let response = crate::helpers::send(shopper.get(app.url("/api/products?pageSize=24"))).await;
        assert_eq!(response.status(), StatusCode::OK);
        latencies.push(started.elapsed().as_secs_f64() * 1000.0);
    }

    let (mut created, mut limited, mut shed) = (0, 0, 0);
    for answer in flood {
        let (status, problem, body) = answer.await.unwrap();
        match status {
            StatusCode::CREATED => created += 1,
            StatusCode::TOO_MANY_REQUESTS if problem && body.contains("/problems/too-many-attempts") => limited += 1,
            StatusCode::SERVICE_UNAVAILABLE if problem && body.contains("/problems/overloaded") => shed += 1,
            other => panic!("a sign-up answered {other}: {body}"),
        }
    }
    latencies.sort_by(f64::total_cmp);
    eprintln!(
        "flood of 120 sign-ups: {created} created, {limited} rate limited, {shed} shed; GET /api/products meanwhile: \
         median {:.1} ms, max {:.1} ms",
        latencies[latencies.len() / 2],
        latencies[latencies.len() - 1]
    );
    assert!(created <= 10, "{created} accounts from one address");

    // One at a time, nothing is shed: the address gets its ten accounts in all, then 429.
    let mut last = StatusCode::CREATED;
    for n in 0..=(10 - created) {
        let response = a_client()
            .post(app.url("/api/accounts"))
            .header("X-Forwarded-For", "203.0.113.7")
            .json(&json!({ "email": format!("again{n}@spam.test"), "password": "flood-password", "displayName": "Flood" }))
            .send()
            .await
            .unwrap();
        last = response.status();
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS, "the eleventh account from one address");

    // Another address still signs up.
    let other = a_client()
        .post(app.url("/api/accounts"))
        .header("X-Forwarded-For", "198.51.100.20")
        .json(&json!({ "email": "someone@else.test", "password": "a-good-password", "displayName": "Someone" }))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn ready_answers_while_the_database_does() {
    let app = crate::helpers::spawn_app().await;
    let ready = app.get("/api/ready").await;
    assert_eq!(ready.status(), StatusCode::OK);
    assert_eq!(ready.json::<serde_json::Value>().await.unwrap()["status"], "ready");
}

/// A TCP relay between cart-api and PostgreSQL that the test can cut and restore, as if the
/// database server went away and came back, without stopping the server other tests share.
struct Relay {
    addr: std::net::SocketAddr,
    upstream: String,
    tasks: std::sync::Arc<std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>>,
}

impl Relay {
    async fn start(upstream: &str) -> Relay {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let relay =
            Relay { addr: listener.local_addr().unwrap(), upstream: upstream.to_string(), tasks: Default::default() };
        relay.serve(listener);
        relay
    }

    fn serve(&self, listener: tokio::net::TcpListener) {
        let (upstream, tasks) = (self.upstream.clone(), self.tasks.clone());
        let accept = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let upstream = upstream.clone();
                let pipe = tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(&upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                tasks.lock().unwrap().push(pipe);
            }
        });
        self.tasks.lock().unwrap().push(accept);
    }

    /// Closes every relayed connection and refuses new ones.
    fn cut(&self) {
        for task in self.tasks.lock().unwrap().drain(..) {
            task.abort();
        }
    }

    async fn restore(&self) {
        self.serve(tokio::net::TcpListener::bind(self.addr).await.expect("the relay's port again"));
    }
}

/// Polls `GET /api/ready` until it answers `wanted`, for at most `within`.
async fn ready_becomes(app: &crate::helpers::TestApp, wanted: StatusCode, within: Duration) -> bool {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if let Ok(response) = a_client().get(app.url("/api/ready")).send().await {
            if response.status() == wanted {
                return true;
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    false
}

/// On PostgreSQL only (TEST_POSTGRES_URL): a SQLite file cannot be taken away from a process
/// that has it open, and these tests run as root, whom directory permissions do not stop.
#[tokio::test]
async fn ready_is_503_while_postgresql_is_unreachable_and_200_again_after() {
    if std::env::var(test_support::POSTGRES_ENV).is_err() {
        eprintln!("skipped: needs TEST_POSTGRES_URL");
        return;
    }
    let dir = tempfile::TempDir::new().unwrap();
    let database = crate::helpers::fresh_database(dir.path()).await;
    let (prefix, rest) = database.url.split_once('@').expect("postgres://user@host:port/db");
    let (upstream, name) = rest.split_once('/').expect("a database name");
    let relay = Relay::start(upstream).await;
    let through_relay = format!("{prefix}@{}/{name}", relay.addr);
    let app = crate::helpers::spawn_app_configured(|c| c.database_url = through_relay).await;
    assert!(ready_becomes(&app, StatusCode::OK, Duration::from_secs(5)).await);

    relay.cut();
    assert!(ready_becomes(&app, StatusCode::SERVICE_UNAVAILABLE, Duration::from_secs(15)).await, "ready stayed 200");
    let health = a_client().get(app.url("/api/health")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK, "liveness does not depend on the database");
    let problem = crate::helpers::assert_problem_kind(
        a_client().get(app.url("/api/ready")).send().await.unwrap(),
        StatusCode::SERVICE_UNAVAILABLE,
        "not-ready",
        "ready while the database is away",
    )
    .await;
    assert!(problem.detail.is_some());

    relay.restore().await;
    assert!(ready_becomes(&app, StatusCode::OK, Duration::from_secs(30)).await, "ready did not come back");
    drop(database);
}

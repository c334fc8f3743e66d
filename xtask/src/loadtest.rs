//! `cargo xtask loadtest [--shoppers N] [--seconds S] [--replicas R] [--postgres] [--p99-bound-ms B]
//! [--no-server-rendering] [--server PATH]`: bounded
//! virtual shoppers against local release servers on a fresh database: one SQLite file, or with
//! `--postgres` a throwaway PostgreSQL server. With R replicas, R cart-api processes share that
//! database and every request goes to the next one in turn, as behind a round-robin balancer.
//!
//! With server rendering (the default, when `dist/` is built) the store runs as deployed: the
//! shell's composer and every remote's server half beside cart-api, and each shopper also loads
//! the listing, the product and the cart as pages, composed per request; the report counts the
//! pages whose slot the server rendered and those it left to the browser (its budget ran out).
//!
//! Each shopper signs up, then browses, adds to its cart,
//! changes a quantity and checks out with the test card, for the set time. Afterwards every
//! shopper's cart and orders are read back and compared with what the server told that shopper:
//! a difference is a lost (or invented) write.
//!
//! Each shopper comes from an address of its own (`X-Forwarded-For`, believed from loopback as
//! from a proxy), as a public shop's shoppers do; the per-address limits apply to each alone.
//!
//! A shed request (`503` problem with `Retry-After`) is counted and sent again, with the same
//! idempotency key, after the time the server asked for, as a well-behaved client does.
//!
//! Prints requests per second, p50/p95/p99 latency, shed requests, errors, timeouts and lost
//! writes; fails when there is an error (any failure but a 503 problem), a timeout, a lost write,
//! or a p99 above the bound. Business refusals (sold out, a full cart) are counted, not errors.
//!
//! One file: the shopper's script, the read-back that finds lost writes and the report are
//! one scenario, read in the order it runs.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use contracts::api::{Cart, CheckoutSession, Order, OrderSummary, ProductPage};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::dev::Server;
use crate::stats::percentile;

pub struct Options {
    pub shoppers: usize,
    pub seconds: u64,
    /// cart-api processes sharing the database.
    pub replicas: usize,
    pub postgres: bool,
    /// The p99 latency (ms) the run must stay under, shed requests included.
    pub p99_bound_ms: f64,
    /// A server binary to test instead of the one just built (an older build, for "before").
    pub server: Option<std::path::PathBuf>,
    /// Pages composed from the server halves, as well as the API (`--no-server-rendering`: the
    /// API alone).
    pub server_rendering: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            shoppers: 64,
            seconds: 30,
            replicas: 1,
            postgres: false,
            p99_bound_ms: P99_BOUND_MS,
            server: None,
            server_rendering: true,
        }
    }
}

/// The default bound on p99: a shopper waits at most the admission queue (250 ms) and then its
/// request's own work; a second would mean latency grows with the load again.
const P99_BOUND_MS: f64 = 1000.0;
/// Times a shed request is sent again before it counts as an error: a minute of patience, which
/// 256 shoppers signing up in the same second need (hashing admits a few at a time).
const MAX_RETRIES: u32 = 60;

impl From<crate::cli::Loadtest> for Options {
    fn from(args: crate::cli::Loadtest) -> Self {
        Self {
            shoppers: args.shoppers as usize,
            seconds: args.seconds,
            replicas: args.replicas as usize,
            postgres: args.postgres,
            p99_bound_ms: args.p99_bound_ms.map_or(P99_BOUND_MS, |ms| ms as f64),
            server: args.server,
            server_rendering: !args.no_server_rendering,
        }
    }
}

/// What all shoppers saw, merged.
#[derive(Default)]
struct Stats {
    latencies_ms: Vec<f64>,
    errors: Vec<String>,
    /// Answers `503` with a problem document and `Retry-After`: shed, sent again later.
    shed: u64,
    /// Requests the client gave up waiting for.
    timeouts: Vec<String>,
    sold_out: u64,
    orders: u64,
    lost_writes: Vec<String>,
    /// Pages whose slot the server rendered, and pages it left to the browser.
    pages_rendered: u64,
    pages_left: u64,
}

pub fn start_server(binary: &Path, database: &str, data: &Path) -> Result<(Server, String)> {
    start_server_with(binary, database, &data.join("no-front-end"), None)
}

/// A cart-api serving `dist`, composing its pages through `composer` when given.
fn start_server_with(binary: &Path, database: &str, dist: &Path, composer: Option<&str>) -> Result<(Server, String)> {
    let mut command = Command::new(binary);
    if let Some(composer) = composer {
        command.env("COMPOSER_URL", composer);
    }
    let mut child = command
        .env("ADDR", "127.0.0.1:0")
        .env("DATABASE_URL", database)
        .env("DIST_DIR", dist)
        .env("RUST_LOG", "warn")
        // Shoppers name their own addresses in X-Forwarded-For, as behind a proxy.
        .env("TRUSTED_PROXIES", "127.0.0.1")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .with_context(|| format!("cannot start {}", binary.display()))?;
    let mut line = String::new();
    let mut stdout = BufReader::new(child.stdout.take().context("no stdout")?);
    stdout.read_line(&mut line)?;
    // The server keeps writing its log; a closed pipe would make every line an error.
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    let base = line.trim().rsplit(' ').next().unwrap_or_default().to_string();
    if !base.starts_with("http://") {
        bail!("the server did not start: {line:?}");
    }
    Ok((Server(child), base))
}

/// Runs the shoppers against `server` (the caller has resolved `--server` into it).
pub fn loadtest(server: &Path, options: Options) -> Result<()> {
    let data = tempfile::TempDir::new()?;
    let postgres = if options.postgres { Some(crate::postgres::Postgres::start()?) } else { None };
    let database = match &postgres {
        Some(postgres) => postgres.url.clone(),
        None => format!("sqlite://{}/load.db", data.path().display()),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let built = crate::workspace_root().join("dist");
    let pages = options.server_rendering && built.join("remotes.json").exists();
    if options.server_rendering && !pages {
        println!("(no dist/remotes.json: the API alone; `cargo xtask build` first for pages rendered on the server)");
    }
    // The store as deployed: its own copy of dist/, whose manifest gets the server halves' URLs.
    let dist = data.path().join("dist");
    let mut rendering = None;
    if pages {
        crate::dev::copy_dir(&built, &dist)?;
        rendering = Some(runtime.block_on(e2e::server_rendering::ServerRendering::start_composer(server)));
    }
    let composer = rendering.as_ref().map(|r| r.composer_url.clone());
    let front_end = if pages { dist.clone() } else { data.path().join("no-front-end") };
    // One after the other: the first migrates and seeds the new database.
    let servers = (0..options.replicas)
        .map(|_| start_server_with(server, &database, &front_end, composer.as_deref()))
        .collect::<Result<Vec<_>, _>>()?;
    let bases: Arc<[String]> = servers.iter().map(|(_, base)| base.clone()).collect();
    if let Some(rendering) = &mut rendering {
        runtime.block_on(rendering.start_halves(&bases[0], &dist));
    }
    crate::step(&format!(
        "{} shoppers for {} s against {} on {}{}",
        options.shoppers,
        options.seconds,
        bases.join(" + "),
        if postgres.is_some() { "PostgreSQL" } else { "SQLite" },
        if pages { ", pages rendered on the server" } else { "" }
    ));
    let stats = Arc::new(Mutex::new(Stats::default()));
    let started = Instant::now();
    runtime.block_on(async {
        let deadline = Instant::now() + Duration::from_secs(options.seconds);
        let shoppers: Vec<_> = (0..options.shoppers)
            .map(|n| tokio::spawn(Shopper::new(n, bases.clone(), stats.clone(), pages).run(deadline)))
            .collect();
        for shopper in shoppers {
            let _ = shopper.await;
        }
    });
    let elapsed = started.elapsed().as_secs_f64();
    let stats = Arc::try_unwrap(stats).map_err(|_| anyhow!("shoppers still running"))?.into_inner()?;
    report(&stats, elapsed, options.p99_bound_ms)
}

fn report(stats: &Stats, elapsed: f64, p99_bound_ms: f64) -> Result<()> {
    let mut sorted = stats.latencies_ms.clone();
    sorted.sort_by(|a, b| a.total_cmp(b));
    let p99 = percentile(&sorted, 0.99);
    let within = p99 < p99_bound_ms;
    println!("requests        {}", sorted.len());
    println!("requests/s      {:.0}", sorted.len() as f64 / elapsed);
    println!("latency p50     {:.1} ms", percentile(&sorted, 0.50));
    println!("latency p95     {:.1} ms", percentile(&sorted, 0.95));
    println!("latency p99     {p99:.1} ms (bound {p99_bound_ms:.0} ms: {})", if within { "met" } else { "EXCEEDED" });
    println!("orders placed   {}", stats.orders);
    println!("sold out / full {}", stats.sold_out);
    println!("shed (503)      {}", stats.shed);
    println!("errors          {}", stats.errors.len());
    println!("timeouts        {}", stats.timeouts.len());
    println!("lost writes     {}", stats.lost_writes.len());
    if stats.pages_rendered + stats.pages_left > 0 {
        println!(
            "pages           {} rendered on the server, {} left to the browser",
            stats.pages_rendered, stats.pages_left
        );
    }
    for problem in stats.errors.iter().chain(&stats.timeouts).chain(&stats.lost_writes).take(10) {
        println!("  {problem}");
    }
    let (errors, timeouts, lost) = (stats.errors.len(), stats.timeouts.len(), stats.lost_writes.len());
    if errors + timeouts + lost > 0 {
        Err(anyhow!("{errors} errors, {timeouts} timeouts and {lost} lost writes"))
    } else if !within {
        Err(anyhow!("p99 {p99:.1} ms is above the bound of {p99_bound_ms:.0} ms"))
    } else {
        Ok(())
    }
}

/// One virtual shopper with its own cookie jar and account.
struct Shopper {
    n: usize,
    /// The replicas; requests go to each in turn.
    bases: Arc<[String]>,
    requests: usize,
    client: reqwest::Client,
    stats: Arc<Mutex<Stats>>,
    latencies: Vec<f64>,
    errors: Vec<String>,
    shed: u64,
    timeouts: Vec<String>,
    sold_out: u64,
    /// The item count the server last acknowledged for this shopper's cart.
    told_items: u32,
    /// The orders the server acknowledged.
    told_orders: Vec<String>,
    step: u64,
    /// Whether this shopper loads pages too (server rendering on), and what they were.
    pages: bool,
    pages_rendered: u64,
    pages_left: u64,
}

impl Shopper {
    fn new(n: usize, bases: Arc<[String]>, stats: Arc<Mutex<Stats>>, pages: bool) -> Self {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .timeout(Duration::from_secs(20))
            .build()
            .expect("an HTTP client");
        Shopper {
            n,
            bases,
            requests: n,
            client,
            stats,
            latencies: Vec::new(),
            errors: Vec::new(),
            shed: 0,
            timeouts: Vec::new(),
            sold_out: 0,
            told_items: 0,
            told_orders: Vec::new(),
            step: 0,
            pages,
            pages_rendered: 0,
            pages_left: 0,
        }
    }

    /// This shopper's own address (TEST-NET and private ranges), sent as `X-Forwarded-For`.
    fn address(&self) -> String {
        format!("10.{}.{}.{}", (self.n >> 16) & 0xff, (self.n >> 8) & 0xff, self.n & 0xff)
    }

    /// Sends one request and records its latency; answers status and body, or None on a
    /// transport error (recorded as an error or a timeout). A shed request is sent again, with
    /// the same idempotency key, after its `Retry-After`.
    async fn call(
        &mut self,
        method: Method,
        path: &str,
        body: Option<Value>,
        key: bool,
    ) -> Option<(StatusCode, String)> {
        let key = key.then(|| {
            self.step += 1;
            format!("load-{}-{}", self.n, self.step)
        });
        for _ in 0..=MAX_RETRIES {
            // The session cookie is per host, not per port, so every replica sees the same shopper.
            let base = &self.bases[self.requests % self.bases.len()];
            self.requests += 1;
            let mut request =
                self.client.request(method.clone(), format!("{base}{path}")).header("X-Forwarded-For", self.address());
            if let Some(body) = &body {
                request = request.json(body);
            }
            if let Some(key) = &key {
                request = request.header("Idempotency-Key", key);
            }
            let started = Instant::now();
            let answer = match request.send().await {
                Ok(response) => {
                    let status = response.status();
                    let retry_after =
                        response.headers().get("retry-after").and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
                    let problem =
                        response.headers().get("content-type").is_some_and(|v| v == "application/problem+json");
                    let text = response.text().await.unwrap_or_default();
                    Ok((status, text, retry_after, problem))
                }
                Err(e) => Err(e),
            };
            self.latencies.push(started.elapsed().as_secs_f64() * 1000.0);
            match answer {
                Err(e) if e.is_timeout() => {
                    self.timeouts.push(format!("{method} {path}: {e}"));
                    return None;
                }
                Err(e) => {
                    self.errors.push(format!("{method} {path}: {e}"));
                    return None;
                }
                Ok((StatusCode::SERVICE_UNAVAILABLE, text, Some(seconds), true))
                    if text.contains("/problems/overloaded") =>
                {
                    self.shed += 1;
                    tokio::time::sleep(Duration::from_secs(seconds.min(5))).await;
                }
                Ok((status, text, _, _)) => {
                    if status.is_server_error() {
                        self.errors.push(format!("{method} {path}: {status} {text}"));
                    }
                    return Some((status, text));
                }
            }
        }
        self.errors.push(format!("{method} {path}: still shed after {MAX_RETRIES} tries"));
        None
    }

    /// A call whose answer must be `expected` and decode as `T`.
    async fn expect<T: serde::de::DeserializeOwned>(
        &mut self,
        method: Method,
        path: &str,
        body: Option<Value>,
        key: bool,
    ) -> Option<T> {
        let (status, text) = self.call(method.clone(), path, body, key).await?;
        if status == StatusCode::CONFLICT && text.contains("/problems/out-of-stock") {
            self.sold_out += 1;
            return None;
        }
        // A fast server lets a shopper fill its cart's 50 lines within a run: a refusal the
        // shopper was told of, like sold out, not a failure.
        if status == StatusCode::UNPROCESSABLE_ENTITY && text.contains("at most 50 lines") {
            self.sold_out += 1;
            return None;
        }
        if !status.is_success() {
            if !status.is_server_error() {
                self.errors.push(format!("{method} {path}: {status} {text}"));
            }
            return None;
        }
        match serde_json::from_str(&text) {
            Ok(value) => Some(value),
            Err(e) => {
                self.errors.push(format!("{method} {path}: undecodable answer: {e}"));
                None
            }
        }
    }

    async fn run(mut self, deadline: Instant) {
        let account = json!({ "email": format!("shopper{}@load.test", self.n), "password": "load-test-password", "displayName": format!("Shopper {}", self.n) });
        if self.expect::<Value>(Method::POST, "/api/accounts", Some(account), false).await.is_some() {
            let mut round = 0u64;
            while Instant::now() < deadline {
                round += 1;
                self.shop_once(round).await;
            }
            self.verify().await;
        }
        let mut stats = self.stats.lock().expect("stats");
        stats.latencies_ms.append(&mut self.latencies);
        stats.errors.append(&mut self.errors);
        stats.timeouts.append(&mut self.timeouts);
        stats.shed += self.shed;
        stats.sold_out += self.sold_out;
        stats.orders += self.told_orders.len() as u64;
        stats.pages_rendered += self.pages_rendered;
        stats.pages_left += self.pages_left;
    }

    /// Loads `path` as a visitor's browser does the page itself; counts whether the server
    /// rendered its slot for `remote`.
    async fn page(&mut self, path: &str, remote: &str) {
        if !self.pages {
            return;
        }
        match self.call(Method::GET, path, None, false).await {
            Some((StatusCode::OK, html)) if html.contains(&format!("data-server-rendered=\"{remote}@")) => {
                self.pages_rendered += 1
            }
            Some((StatusCode::OK, _)) => self.pages_left += 1,
            Some((status, _)) if !status.is_server_error() => {
                self.errors.push(format!("GET {path}: {status} for a page"));
            }
            _ => {}
        }
    }

    /// Browse a page and a product, add one, sometimes change a quantity, every few rounds check out.
    async fn shop_once(&mut self, round: u64) {
        let page_number = 1 + (self.n as u64 + round) % 4;
        self.page(&format!("/?page={page_number}"), "catalog").await;
        let Some(page) = self
            .expect::<ProductPage>(
                Method::GET,
                &format!("/api/products?page={page_number}&inStock=true&sort=price-asc"),
                None,
                false,
            )
            .await
        else {
            return;
        };
        let Some(product) = page.items.get((self.n + round as usize) % page.items.len().max(1)).cloned() else {
            return;
        };
        self.page(&format!("/products/{}", product.id), "product-details").await;
        let _ = self.expect::<Value>(Method::GET, &format!("/api/products/{}", product.id), None, false).await;
        let Some(variant) = product.variants.iter().find(|v| v.stock > 0) else { return };
        let add = json!({ "productId": product.id, "variantId": variant.id, "quantity": 1 });
        if let Some(cart) = self.expect::<Cart>(Method::POST, "/api/cart/items", Some(add), true).await {
            self.told_items = cart.item_count;
            if round.is_multiple_of(3) {
                if let Some(line) = cart.lines.first() {
                    let path = format!("/api/cart/items/{}", line.line_id);
                    if let Some(changed) =
                        self.expect::<Cart>(Method::PATCH, &path, Some(json!({ "quantity": 1 })), false).await
                    {
                        self.told_items = changed.item_count;
                    }
                }
            }
        }
        if round.is_multiple_of(4) && self.told_items > 0 {
            self.page("/cart", "cart").await;
            self.check_out().await;
        }
    }

    async fn check_out(&mut self) {
        let Some(session) =
            self.expect::<CheckoutSession>(Method::POST, "/api/checkout/sessions", Some(json!({})), true).await
        else {
            return;
        };
        let address = json!({ "name": "Load Shopper", "line1": "Teststraße 1", "city": "Berlin", "postalCode": "10115", "country": "DE" });
        let path = format!("/api/checkout/sessions/{}/address", session.id);
        if self.expect::<CheckoutSession>(Method::PUT, &path, Some(address), false).await.is_none() {
            return;
        }
        let card = json!({ "checkoutSessionId": session.id, "cardNumber": "4242424242424242", "expiry": "12/34", "cvc": "123" });
        if self.expect::<Value>(Method::POST, "/api/payments", Some(card), true).await.is_none() {
            return;
        }
        if let Some(order) = self
            .expect::<Order>(Method::POST, "/api/orders", Some(json!({ "checkoutSessionId": session.id })), true)
            .await
        {
            self.told_orders.push(order.order_id);
            self.told_items = 0;
        } else {
            // Sold out at the last moment: the cart is unchanged; read what it holds now.
            if let Some(cart) = self.expect::<Cart>(Method::GET, "/api/cart", None, false).await {
                self.told_items = cart.item_count;
            }
        }
    }

    /// Reads back cart and orders and compares them with what this shopper was told.
    async fn verify(&mut self) {
        let cart = self.expect::<Cart>(Method::GET, "/api/cart", None, false).await;
        let orders = self.expect::<Vec<OrderSummary>>(Method::GET, "/api/orders", None, false).await;
        let mut lost = Vec::new();
        if let Some(cart) = cart {
            if cart.item_count != self.told_items {
                lost.push(format!(
                    "shopper {}: told {} items, cart holds {}",
                    self.n, self.told_items, cart.item_count
                ));
            }
        }
        if let Some(orders) = orders {
            let mut stored: Vec<&str> = orders.iter().map(|o| o.order_id.as_str()).collect();
            let mut told: Vec<&str> = self.told_orders.iter().map(String::as_str).collect();
            stored.sort_unstable();
            told.sort_unstable();
            if stored != told {
                lost.push(format!("shopper {}: told {} orders, {} stored", self.n, told.len(), stored.len()));
            }
        }
        self.stats.lock().expect("stats").lost_writes.append(&mut lost);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_means_the_defaults_and_what_it_says() {
        use crate::cli::{Cli, Command};
        use clap::Parser;
        let options = |line: &str| match Cli::try_parse_from(line.split_whitespace()).map(|c| c.command) {
            Ok(Command::Loadtest(args)) => Options::from(args),
            other => panic!("{line}: {other:?}"),
        };
        let (o, d) = (options("xtask loadtest"), Options::default());
        assert_eq!(
            (o.shoppers, o.seconds, o.replicas, o.p99_bound_ms, o.server_rendering, o.postgres),
            (d.shoppers, d.seconds, d.replicas, d.p99_bound_ms, d.server_rendering, d.postgres)
        );
        let o = options("xtask loadtest --p99-bound-ms 300 --server old/cart-api --no-server-rendering");
        assert_eq!((o.p99_bound_ms, o.server.as_deref()), (300.0, Some(Path::new("old/cart-api"))));
        assert!(!o.server_rendering);
    }

    #[test]
    fn percentiles_pick_from_sorted_samples() {
        let samples: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&samples, 0.5), 51.0);
        assert_eq!(percentile(&samples, 0.99), 99.0);
        assert_eq!(percentile(&[], 0.5), 0.0);
    }
}

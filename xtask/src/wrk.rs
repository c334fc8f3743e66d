//! The API rows of `cargo xtask bench`, measured with wrk (Debian's package, installed when
//! missing). The bench's own reqwest loop topped out at 4.9k req/s on `/api/health` where wrk
//! reached 41k on the same machine: it measured itself, not the server.

use std::process::Command;

use anyhow::{bail, Context, Result};

/// Connections kept open, and wrk's threads (one per core of the machines this runs on).
pub const CONNECTIONS: usize = 32;
const THREADS: usize = 2;
const SECONDS: u64 = 5;

/// What one wrk run measured.
#[derive(Debug, PartialEq)]
pub struct Figures {
    pub rps: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Answers other than 2xx/3xx, and socket errors of any kind.
    pub errors: usize,
}

pub enum Load<'a> {
    Get(&'a str),
    /// `POST /api/cart/items` without a cookie: every add is a new visitor's first (session,
    /// cart and line).
    AddAsNewVisitor {
        product: u32,
        variant: &'a str,
    },
}

/// Runs wrk against `base` (`http://127.0.0.1:PORT`) for a few seconds.
pub fn measure(base: &str, load: Load) -> Result<Figures> {
    let wrk = crate::tools::ensure_wrk()?;
    let scripts = tempfile::TempDir::new()?;
    let mut command = Command::new(wrk);
    command.args([
        "-t",
        &THREADS.to_string(),
        "-c",
        &CONNECTIONS.to_string(),
        "-d",
        &format!("{SECONDS}s"),
        "--latency",
    ]);
    let url = match load {
        Load::Get(path) => format!("{base}{path}"),
        Load::AddAsNewVisitor { product, variant } => {
            let body = serde_json::json!({ "productId": product, "variantId": variant, "quantity": 1 }).to_string();
            // A Lua long string: the JSON needs no escaping inside it.
            let script = format!(
                "wrk.method = \"POST\"\nwrk.body = [[{body}]]\nwrk.headers[\"Content-Type\"] = \"application/json\"\n"
            );
            let path = scripts.path().join("add.lua");
            std::fs::write(&path, script)?;
            command.arg("-s").arg(&path);
            format!("{base}/api/cart/items")
        }
    };
    let output = command.arg(&url).output().context("wrk")?;
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!("wrk {url} failed: {text}{}", String::from_utf8_lossy(&output.stderr));
    }
    parse(&text).with_context(|| format!("cannot read wrk's report:\n{text}"))
}

/// Reads `Requests/sec`, the 50% and 99% lines of `--latency` and the error counts.
fn parse(report: &str) -> Option<Figures> {
    let field = |prefix: &str| report.lines().map(str::trim).find_map(|line| line.strip_prefix(prefix).map(str::trim));
    let rps = field("Requests/sec:")?.parse().ok()?;
    let p50_ms = duration_ms(field("50%")?)?;
    let p99_ms = duration_ms(field("99%")?)?;
    let non_2xx: usize = field("Non-2xx or 3xx responses:").and_then(|n| n.parse().ok()).unwrap_or(0);
    // "connect 0, read 0, write 0, timeout 0"
    let socket: usize = field("Socket errors:")
        .map(|counts| counts.split(',').filter_map(|c| c.split_whitespace().nth(1)?.parse::<usize>().ok()).sum())
        .unwrap_or(0);
    Some(Figures { rps, p50_ms, p99_ms, errors: non_2xx + socket })
}

/// `635.91us`, `1.20ms`, `2.01s` in milliseconds.
fn duration_ms(text: &str) -> Option<f64> {
    let split = text.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let factor = match unit {
        "us" => 0.001,
        "ms" => 1.0,
        "s" => 1000.0,
        "m" => 60_000.0,
        _ => return None,
    };
    Some(number * factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_wrk_report() {
        let report = "Running 5s test @ http://127.0.0.1:8080/api/health
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   780.11us  300.00us   9.11ms   90.00%
  Latency Distribution
     50%  635.91us
     75%  712.34us
     90%    1.01ms
     99%    2.20ms
  205000 requests in 5.00s, 30.00MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:  41000.12
Transfer/sec:      6.00MB
";
        let figures = parse(report).unwrap();
        assert_eq!(figures.rps, 41000.12);
        assert!((figures.p50_ms - 0.63591).abs() < 1e-9);
        assert_eq!(figures.p99_ms, 2.2);
        assert_eq!(figures.errors, 7);
        assert!(duration_ms("2.01s").is_some_and(|ms| (ms - 2010.0).abs() < 1e-9));
        assert_eq!(parse("nothing"), None);
    }
}

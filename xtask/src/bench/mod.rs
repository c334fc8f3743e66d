//! `cargo xtask bench`: sizes, page loads, clicks and API throughput, each against a floor
//! measured in the same run (these machines are shared and noisy), with budgets. Prints one
//! table and writes `target/bench.json`. Not a test: it never runs in CI.
//!
//! Here: the table's rows and the run as a whole; `sizes` (bundles against budgets), `pages`
//! (cold loads, layout shift, clicks in Chromium), `api` (wrk against the API), `lighthouse`
//! (scores, and other stores' pages beside ours).

use std::path::{Path, PathBuf};

use anyhow::Result;
use serde_json::{json, Value};

use crate::frontend::gzip;
use crate::stats::percentile;
use crate::step;

mod api;
mod lighthouse;
mod pages;
mod sizes;

pub use api::api;
use lighthouse::{
    cold_load, ensure_lighthouse, lighthouse, lighthouse_run, print_comparison, Compared, LIGHTHOUSE_RUNS,
};
use pages::in_browser_and_api;
use sizes::sizes;

const SAMPLES: usize = 10;
/// Cold loads of the category and product pages for their layout shift.
const CLS_SAMPLES: usize = 3;
const KB: f64 = 1024.0;

/// One line of the table.
struct Row {
    group: &'static str,
    name: String,
    value: f64,
    unit: &'static str,
    detail: String,
    /// The value as a ratio to its floor, when it has one.
    ratio: Option<f64>,
    /// The budget and whether it is met.
    budget: Option<(String, bool)>,
}

fn row(group: &'static str, name: impl Into<String>, value: f64, unit: &'static str) -> Row {
    Row { group, name: name.into(), value, unit, detail: String::new(), ratio: None, budget: None }
}

impl Row {
    fn detail(mut self, d: impl Into<String>) -> Self {
        self.detail = d.into();
        self
    }
    fn ratio(mut self, floor: f64) -> Self {
        self.ratio = (floor > 0.0).then(|| self.value / floor);
        self
    }
    fn at_most(mut self, limit: f64, label: impl Into<String>) -> Self {
        let measured = self.ratio.unwrap_or(self.value);
        self.budget = Some((label.into(), measured <= limit));
        self
    }
    fn at_least(mut self, limit: f64, label: impl Into<String>) -> Self {
        let measured = self.ratio.unwrap_or(self.value);
        self.budget = Some((label.into(), measured >= limit));
        self
    }
}

fn median_p95(mut samples: Vec<f64>) -> (f64, f64) {
    samples.sort_by(f64::total_cmp);
    if samples.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    (percentile(&samples, 0.5), percentile(&samples, 0.95))
}

/// The `--peer URL` arguments of `cargo xtask bench`: other stores' pages to measure beside ours.
pub fn bench(root: &Path, server: PathBuf, peers: &[String]) -> Result<()> {
    crate::tools::ensure_browser()?;
    let dist = root.join("dist");
    let mut rows = sizes(&dist)?;
    step("A freshly scaffolded remote (`cargo xtask new-remote`), built like any other");
    let (wasm, js) = crate::scaffold::scaffolded_bundle(root, &crate::tools::ensure_build_tools(root)?)?;
    rows.push(
        row("size", "scaffolded remote wasm", gzip(&wasm).len() as f64 / KB, "KB gz").at_most(40.0, "≤ 40 KB gz"),
    );
    rows.push(row("size", "scaffolded remote js", gzip(&js).len() as f64 / KB, "KB gz").at_most(6.0, "≤ 6 KB gz"));

    let runtime = tokio::runtime::Runtime::new()?;
    rows.extend(runtime.block_on(in_browser_and_api(root, &server, &dist))?);
    let (lighthouse_rows, ours) = lighthouse(root, &server, &dist, &runtime, !peers.is_empty())?;
    rows.extend(lighthouse_rows);

    print_table(&rows);
    if !peers.is_empty() {
        let cli = ensure_lighthouse(root)?;
        let mut compared = ours;
        for url in peers {
            step(&format!("Lighthouse and a cold load of {url} ({LIGHTHOUSE_RUNS} runs)"));
            let reports: Vec<Value> = (0..LIGHTHOUSE_RUNS).filter_map(|_| lighthouse_run(&cli, url).ok()).collect();
            let cold = runtime.block_on(cold_load(url));
            compared.push(Compared::new(url.clone(), &reports, cold));
        }
        print_comparison(&compared);
        let json: Vec<Value> = compared.iter().map(Compared::to_json).collect();
        let out = root.join("target/bench-compare.json");
        std::fs::write(&out, serde_json::to_string_pretty(&json).unwrap_or_default())?;
        println!("Written to {}", out.display());
    }
    let json: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({ "group": r.group, "name": r.name, "value": r.value, "unit": r.unit, "detail": r.detail,
                    "ratio": r.ratio, "budget": r.budget.as_ref().map(|b| &b.0), "pass": r.budget.as_ref().map(|b| b.1) })
        })
        .collect();
    let out = root.join("target/bench.json");
    std::fs::write(&out, serde_json::to_string_pretty(&json).unwrap_or_default())?;
    println!("\nWritten to {}", out.display());
    Ok(())
}

fn print_table(rows: &[Row]) {
    println!(
        "\n{:<10} {:<46} {:>10} {:<7} {:>7} {:<26} {:<6} detail",
        "group", "measure", "value", "unit", "ratio", "budget", ""
    );
    for r in rows {
        let ratio = r.ratio.map(|x| format!("{x:.2}×")).unwrap_or_default();
        let (budget, verdict) = match &r.budget {
            Some((b, true)) => (b.clone(), "PASS"),
            Some((b, false)) => (b.clone(), "FAIL"),
            None => (String::new(), ""),
        };
        println!(
            "{:<10} {:<46} {:>10.1} {:<7} {:>7} {:<26} {:<6} {}",
            r.group, r.name, r.value, r.unit, ratio, budget, verdict, r.detail
        );
    }
}

//! The API under wrk, each row against `GET /api/health` measured in the same run.

use std::path::Path;

use anyhow::{Context, Result};

use super::{print_table, row, Row};
use crate::step;

/// `cargo xtask bench --api [--postgres] [--server PATH]`: the API rows alone, on a fresh
/// database, without the front end or a browser; `--server` measures another build (an older
/// one, for a before and after).
pub fn api(server: &Path, postgres: bool) -> Result<()> {
    let data = tempfile::TempDir::new()?;
    let postgres = if postgres { Some(crate::postgres::Postgres::start()?) } else { None };
    let database = match &postgres {
        Some(postgres) => postgres.url.clone(),
        None => format!("sqlite://{}/bench.db", data.path().display()),
    };
    let (_server, base) = crate::loadtest::start_server(server, &database, data.path())?;
    let runtime = tokio::runtime::Runtime::new()?;
    let page: contracts::api::ProductPage =
        runtime.block_on(async { reqwest::get(format!("{base}/api/products?pageSize=48")).await?.json().await })?;
    let product = page
        .items
        .into_iter()
        .find_map(|p| p.variants.iter().find(|v| v.stock >= 20).map(|v| (p.id, v.id.clone())))
        .context("no product with stock")?;
    let rows = api_rows(&base, &product)?;
    println!("\nOn {}", if postgres.is_some() { "PostgreSQL" } else { "SQLite" });
    print_table(&rows);
    Ok(())
}

/// Each endpoint under wrk's load ([`crate::wrk`]), against `/api/health` as the floor.
pub(super) fn api_rows(base: &str, product: &(u32, String)) -> Result<Vec<Row>> {
    use crate::wrk::{measure, Load};
    step(&format!("API load (wrk): {} connections, 5 s per endpoint", crate::wrk::CONNECTIONS));
    let figures = |f: crate::wrk::Figures| (f.rps, f.p50_ms, f.p99_ms, f.errors);
    let health = figures(measure(base, Load::Get("/api/health"))?);
    let list = figures(measure(base, Load::Get("/api/products"))?);
    let one = figures(measure(base, Load::Get(&format!("/api/products/{}", product.0)))?);
    let add = figures(measure(base, Load::AddAsNewVisitor { product: product.0, variant: &product.1 })?);
    let floor = health.0;
    Ok(vec![
        api_row("GET /api/health (floor)", health, None),
        api_row("GET /api/products", list, Some((floor, 0.5))),
        api_row("GET /api/products/{id}", one, None),
        api_row("POST /api/cart/items (new session each)", add, Some((floor, 0.1))),
    ])
}

fn api_row(name: &str, (rps, p50, p99, errors): (f64, f64, f64, usize), floor: Option<(f64, f64)>) -> Row {
    let mut r = row("api", name, rps, "req/s").detail(format!("p50 {p50:.2} ms, p99 {p99:.2} ms, {errors} errors"));
    if let Some((floor, min)) = floor {
        r = r.ratio(floor).at_least(min, format!("≥ {min}× health, p99 < 20 ms"));
        if let Some(b) = r.budget.as_mut() {
            b.1 = b.1 && p99 < 20.0 && errors == 0;
        }
    }
    r
}

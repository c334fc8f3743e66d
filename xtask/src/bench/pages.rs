//! The store in Chromium: cold loads (bytes moved, layout shift), the catalog grid against a
//! static page, and add to cart against the bare POST, each median of several runs.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result};
use e2e::{Browser, Store};

use super::api::api_rows;
use super::{median_p95, row, Row, CLS_SAMPLES, KB, SAMPLES};
use crate::step;

/// A copy of dist with a static HTML page of the same grid: the floor for the page load.
async fn dist_with_static_grid(dist: &Path, store: &Store) -> Result<tempfile::TempDir> {
    let page: contracts::api::ProductPage =
        reqwest::get(store.url("/api/products")).await.and_then(|r| r.error_for_status())?.json().await?;
    let css: Vec<String> = std::fs::read_dir(dist)?
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.ends_with(".css"))
        .chain(std::fs::read_dir(dist.join("remotes/catalog"))?.flatten().filter_map(|e| {
            let n = e.file_name().into_string().ok()?;
            n.ends_with(".css").then(|| format!("remotes/catalog/{n}"))
        }))
        .collect();
    let cards: String = page
        .items
        .iter()
        .map(|p| {
            format!(
                r#"<li class="catalog-card" data-testid="product-card"><a class="catalog-card-link" href="/products/{id}"><img src="{img}" alt="" width="300" height="260" loading="lazy"><span class="catalog-card-name">{name}</span></a><p class="catalog-card-price" data-testid="product-price">€{price:.2}</p></li>"#,
                id = p.id,
                img = p.images.first().cloned().unwrap_or_default(),
                name = p.name,
                price = p.price.major_units()
            )
        })
        .collect();
    let links: String = css.iter().map(|c| format!(r#"<link rel="stylesheet" href="/{c}">"#)).collect();
    let html = format!(
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Static grid</title>{links}</head><body><main class="shell-main"><div class="catalog"><div class="catalog-results"><h1>All products</h1><ul class="catalog-grid">{cards}</ul></div></div></main></body></html>"#
    );
    let copy = e2e::copy_tree(dist, |d| {
        let _ = std::fs::create_dir_all(d.join("bench"));
        let _ = std::fs::write(d.join("bench/static-grid.html"), &html);
    });
    Ok(copy)
}

pub(super) async fn in_browser_and_api(_root: &Path, server: &Path, dist: &Path) -> Result<Vec<Row>> {
    let probe = Store::builder().server(server).serve(dist).start().await;
    let copy = dist_with_static_grid(dist, &probe).await?;
    drop(probe);
    let store = Store::builder().server(server).dist(copy).start().await;
    let product = stocked_product(&store).await?;

    step(&format!("Page loads and clicks in headless Chromium ({SAMPLES} cold loads each)"));
    let (mut grid, mut statics, mut remote, mut click, mut post) = (vec![], vec![], vec![], vec![], vec![]);
    let (mut bytes_home, mut bytes_product) = (0.0, 0.0);
    let (mut cls_home, mut cls_category, mut cls_product, mut cls_navigation) = (vec![], vec![], vec![], vec![]);
    let mut cls_phone = Vec::new();
    for i in 0..SAMPLES {
        let browser = Browser::open(&store).await;
        browser.goto("/").await;
        grid.push(wait_mark(&browser, "catalog:grid-rendered").await);
        if i == 0 {
            bytes_home = wire_bytes(&browser).await;
        }
        cls_home.push(layout_shift(&browser, 0.0).await);
        let t0 = browser.execute(&format!("window.__t0 = performance.now(); document.querySelector('a[href=\"/products/{}\"]')?.click() ?? history.pushState(null, '', '/products/{}'); return window.__t0", product.0, product.0)).await;
        browser
            .until("product page", "return !!document.querySelector('[data-testid=add-to-cart]')", |v| v == true)
            .await;
        let ready = browser
            .execute("return performance.getEntriesByName('product-details:ready')[0].startTime - window.__t0")
            .await;
        remote.push(ready.as_f64().unwrap_or(f64::NAN));
        cls_navigation.push(layout_shift(&browser, t0.as_f64().unwrap_or(0.0)).await);
        click.push(async_ms(&browser, CLICK_TO_BADGE).await);
        post.push(
            async_ms(&browser, &BARE_POST.replace("{ID}", &product.0.to_string()).replace("{VARIANT}", &product.1))
                .await,
        );
        browser.close().await;

        let browser = Browser::open(&store).await;
        browser.goto("/bench/static-grid.html").await;
        let value = browser
            .until("static page", "const n = performance.getEntriesByType('navigation')[0]; return n && n.domContentLoadedEventEnd > 0 ? n.domContentLoadedEventEnd : null", |v| v.is_number())
            .await;
        statics.push(value.as_f64().unwrap_or(f64::NAN));
        browser.close().await;
        if i == 0 {
            let browser = Browser::open(&store).await;
            browser.goto(&format!("/products/{}", product.0)).await;
            wait_mark(&browser, "product-details:ready").await;
            bytes_product = wire_bytes(&browser).await;
            browser.close().await;
        }
        if i < CLS_SAMPLES {
            for (path, into) in [("/categories/tractors", &mut cls_category), ("/products/1", &mut cls_product)] {
                let browser = Browser::open(&store).await;
                browser.goto(path).await;
                browser.wait_for("main [data-remote] .remote-host > *").await;
                into.push(layout_shift(&browser, 0.0).await);
                browser.close().await;
            }
        }
    }
    // As Lighthouse's mobile run sees them: a phone's screen.
    for path in ["/", "/categories/tractors", "/products/1"] {
        let browser = Browser::open_phone(&store, 412, 823).await;
        browser.goto(path).await;
        browser.wait_for("main [data-remote] .remote-host > *").await;
        cls_phone.push((path, layout_shift(&browser, 0.0).await));
        browser.close().await;
    }
    let (grid_m, grid_p) = median_p95(grid);
    let (static_m, static_p) = median_p95(statics);
    let (remote_m, remote_p) = median_p95(remote);
    let (click_m, click_p) = median_p95(click);
    let (post_m, post_p) = median_p95(post);
    let mut rows = vec![
        row("wire", "bytes to show / (cold)", bytes_home / KB, "KB").at_most(200.0, "≤ 200 KB"),
        row("wire", format!("bytes to show /products/{} (cold)", product.0), bytes_product / KB, "KB"),
        row("load", "static grid page (floor)", static_m, "ms").detail(format!("p95 {static_p:.1}")),
        row("load", "catalog grid rendered, cold", grid_m, "ms")
            .detail(format!("p95 {grid_p:.1}"))
            .ratio(static_m)
            .at_most(3.0, "≤ 3× static"),
        row("load", "product route, remote not yet loaded", remote_m, "ms")
            .detail(format!("p95 {remote_p:.1}"))
            .ratio(grid_m)
            .at_most(2.0, "≤ 2× grid"),
        row("click", "bare fetch POST (floor)", post_m, "ms").detail(format!("p95 {post_p:.1}")),
        row("click", "Add to cart → badge changed", click_m, "ms")
            .detail(format!("p95 {click_p:.1}"))
            .ratio(post_m)
            .at_most(1.5, "≤ 1.5× POST"),
    ];
    let worst = |v: &[f64]| v.iter().copied().fold(0.0, f64::max);
    for (name, shifts) in [
        ("layout shift, / cold", &cls_home),
        ("layout shift, /categories/tractors cold", &cls_category),
        ("layout shift, /products/1 cold", &cls_product),
        ("layout shift, / → product (client-side)", &cls_navigation),
    ] {
        rows.push(
            row("cls", name, worst(shifts), "")
                .detail(format!("worst of {} loads, 1280×900", shifts.len()))
                .at_most(0.01, "≤ 0.01"),
        );
    }
    for (path, shift) in cls_phone {
        rows.push(
            row("cls", format!("layout shift, {path} cold, phone"), shift, "")
                .detail("412×823")
                .at_most(0.01, "≤ 0.01"),
        );
    }

    rows.extend(page_rows(&store.url(""))?);
    rows.extend(api_rows(&store.url(""), &product)?);
    Ok(rows)
}

/// A composed page's time to answer under wrk's load, against a static file of the same server
/// as the floor: what server-side composition costs per page.
fn page_rows(base: &str) -> Result<Vec<Row>> {
    use crate::wrk::{measure, Load};
    step(&format!("Page load (wrk): {} connections, 5 s per page", crate::wrk::CONNECTIONS));
    let file = measure(base, Load::Get("/images/favicon.svg"))?;
    let mut rows = vec![row("page", "GET /images/favicon.svg (floor)", file.p99_ms, "ms")
        .detail(format!("p99; p50 {:.2} ms, {:.0} req/s, {} errors", file.p50_ms, file.rps, file.errors))];
    for path in ["/", "/products/1"] {
        let page = measure(base, Load::Get(path))?;
        rows.push(
            row("page", format!("GET {path} composed, p99"), page.p99_ms, "ms")
                .detail(format!("p50 {:.2} ms, {:.0} req/s, {} errors", page.p50_ms, page.rps, page.errors))
                .ratio(file.p99_ms)
                .at_most(3.0, "≤ 3× static p99"),
        );
    }
    Ok(rows)
}

/// A product whose first variant has plenty of stock, as (id, variant id).
async fn stocked_product(store: &Store) -> Result<(u32, String)> {
    let page: contracts::api::ProductPage = reqwest::get(store.url("/api/products?pageSize=48")).await?.json().await?;
    page.items
        .into_iter()
        .find_map(|p| p.variants.iter().find(|v| v.stock >= 20).map(|v| (p.id, v.id.clone())))
        .context("no product with stock")
}

const CLICK_TO_BADGE: &str = r#"
const done = arguments[arguments.length - 1];
const badge = document.querySelector('[data-testid=cart-badge]');
const before = badge.textContent;
let t0;
const observer = new MutationObserver(() => {
  if (badge.textContent !== before) { observer.disconnect(); done(performance.now() - t0); }
});
observer.observe(badge, { childList: true, subtree: true, characterData: true });
t0 = performance.now();
document.querySelector('[data-testid=add-to-cart]').click();
"#;

const BARE_POST: &str = r#"
const done = arguments[arguments.length - 1];
const t0 = performance.now();
fetch('/api/cart/items', { method: 'POST', headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' },
  body: JSON.stringify({ productId: {ID}, variantId: '{VARIANT}', quantity: 1 }) })
  .then(r => r.text()).then(() => done(performance.now() - t0), () => done(null));
"#;

/// Cumulative layout shift of the page since `after` (ms on the page's clock), from the buffered
/// `layout-shift` entries, once what was still arriving has had a moment to arrive.
pub(super) async fn layout_shift(browser: &Browser, after: f64) -> f64 {
    tokio::time::sleep(Duration::from_millis(800)).await;
    let script = format!(
        "const done = arguments[arguments.length - 1]; const shifts = [];
         new PerformanceObserver(l => shifts.push(...l.getEntries())).observe({{ type: 'layout-shift', buffered: true }});
         setTimeout(() => done(shifts.filter(e => !e.hadRecentInput && e.startTime >= {after}).reduce((s, e) => s + e.value, 0)), 50);"
    );
    browser.execute_async(&script).await.as_f64().unwrap_or(f64::NAN)
}

async fn async_ms(browser: &Browser, script: &str) -> f64 {
    browser.execute_async(script).await.as_f64().unwrap_or(f64::NAN)
}

async fn wait_mark(browser: &Browser, mark: &str) -> f64 {
    let probe = format!("const m = performance.getEntriesByName('{mark}')[0]; return m ? m.startTime : null");
    browser.until(mark, &probe, |v| v.is_number()).await.as_f64().unwrap_or(f64::NAN)
}

/// Bytes moved for the page so far (document and every resource), after the network settles.
pub(super) async fn wire_bytes(browser: &Browser) -> f64 {
    tokio::time::sleep(Duration::from_millis(500)).await;
    browser
        .execute("return [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')].reduce((s, e) => s + (e.transferSize || 0), 0)")
        .await
        .as_f64()
        .unwrap_or(f64::NAN)
}

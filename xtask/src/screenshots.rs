//! `cargo xtask screenshots`: the README's pictures, taken of the running store in headless
//! Chromium (release build, fresh database), into `docs/screenshots/`.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use e2e::journeys::{check_out_as_demo_to_review, place_order};
use e2e::{Browser, Store};

const ADD: &str = "[data-testid=add-to-cart]";

pub fn screenshots(root: &Path, server: PathBuf) -> Result<()> {
    crate::tools::ensure_browser()?;
    let out = root.join("docs/screenshots");
    std::fs::create_dir_all(&out)?;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let store = Store::builder().server(server).serve(root.join("dist")).start().await;
        take(&store, &out).await
    })
}

async fn shot(browser: &Browser, out: &Path, name: &str) -> Result<()> {
    // Let transitions and images settle.
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let png = browser.client().screenshot().await.with_context(|| format!("screenshot {name}"))?;
    let path = out.join(format!("{name}.png"));
    std::fs::write(&path, png).with_context(|| format!("{}", path.display()))?;
    println!("  {}", path.display());
    Ok(())
}

async fn take(store: &Store, out: &Path) -> Result<()> {
    let browser = Browser::open(store).await;

    browser.goto("/categories/tractors?sort=price-asc&inStock=true").await;
    browser.wait_for("[data-testid=product-card]").await;
    shot(&browser, out, "catalog").await?;

    browser.goto("/products/1?variant=green").await;
    browser.wait_for(ADD).await;
    browser.click(ADD).await;
    browser.wait_for_text("[data-testid=cart-badge]", "1").await;
    shot(&browser, out, "product").await?;

    browser.goto("/categories/workwear?inStock=true").await;
    browser.click("[data-testid=product-card] a[href^='/products/']").await;
    browser.wait_for(ADD).await;
    browser.click(ADD).await;
    browser.wait_for_text("[data-testid=cart-badge]", "2").await;
    browser.goto("/cart").await;
    browser.wait_for("[data-testid=cart-line]").await;
    shot(&browser, out, "cart").await?;

    check_out_as_demo_to_review(&browser).await;
    shot(&browser, out, "checkout-review").await?;
    place_order(&browser).await;
    shot(&browser, out, "order-confirmation").await?;

    browser.goto("/products/1?debug=events").await;
    browser.wait_for(ADD).await;
    browser.click(ADD).await;
    browser.wait_for("[data-testid=event-inspector]").await;
    browser.click("[data-testid=event-inspector] .inspector-tab:nth-of-type(2)").await;
    browser.wait_for("[data-testid=sequence-step]").await;
    shot(&browser, out, "event-inspector").await?;

    browser.goto("/categories/tractors?tour=add-to-cart").await;
    browser.wait_for("[data-testid=tour-next]").await;
    browser.click("[data-testid=tour-next]").await;
    browser.wait_for("[data-tour-focus]").await;
    shot(&browser, out, "tour").await?;

    browser.goto("/categories/workwear").await;
    browser.wait_for("[data-testid=product-card]").await;
    browser.click("[data-testid=theme-toggle]").await;
    browser.select("[data-testid=locale-select]", "de-DE").await;
    browser.wait_for_text("a[href='/checkout']", "Kasse").await;
    shot(&browser, out, "dark-de").await?;
    browser.close().await;
    Ok(())
}

//! The checks that prove the developer tooling itself, each on a scratch copy of the workspace or
//! the built `dist/`: the scaffolder's remote builds, tests, deploys and shows its page; the dev
//! loop rebuilds an edited remote live and contains its panic; the standalone host of
//! `cargo xtask dev <remote>` works against the real API. They use `scaffold` and `dev`, which
//! never use them.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};

use crate::tools::Tools;
use crate::{dev, run, scaffold, step};

/// Proves the template in a copy of this workspace (with its `dist/`): `new-remote wishlist`,
/// then the boundary rules, the new crate's test and the contracts tests pass, `build --remote`
/// lists it in `dist/remotes.json`, and the running store shows its page at `/wishlist`, routed by
/// the manifest, with the shell untouched. The copy shares `target/` so only new code compiles.
pub fn check_scaffold(root: &Path, tools: &Tools, server: &Path) -> Result<()> {
    let name = "wishlist";
    // Every cargo run below, and the packaging, use the one target directory.
    std::env::set_var("CARGO_TARGET_DIR", crate::target_dir(root));
    let scratch = root.join("target/scaffold-check");
    let _ = std::fs::remove_dir_all(&scratch);
    scaffold::copy_workspace(root, &scratch)?;

    scaffold::new_remote(&scratch, name)?;
    step("The new remote against the boundary rules and its tests");
    crate::boundaries::check(&scratch)?;
    run(crate::cargo_in(&scratch).args(["test", "-p", "contracts"]))?;
    run(tools.browser_tests(crate::cargo_in(&scratch).args([
        "test",
        "--target",
        "wasm32-unknown-unknown",
        "--lib",
        "-p",
        name,
    ])))?;
    crate::frontend::build_remote(&scratch, tools, name, crate::frontend::Rollout::Everyone)?;
    let manifest: contracts::manifest::RemoteManifest =
        serde_json::from_slice(&std::fs::read(scratch.join("dist/remotes.json"))?)?;
    let entry = manifest.entry(name).context("the new remote is not in dist/remotes.json")?;
    if entry.routes != [format!("/{name}")] {
        bail!("the new remote's routes are {:?}", entry.routes);
    }

    step("The new remote's page in the running store");
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let store = e2e::Store::builder().server(server).serve(scratch.join("dist")).start().await;
        let browser = e2e::Browser::open(&store).await;
        browser.goto(&format!("/{name}")).await;
        browser.wait_for(&format!("[data-testid={name}-page]")).await;
        browser.wait_for("[data-testid=shell-header]").await;
        browser.close().await;
    });

    step("`cargo xtask dev` on that copy: edit the new remote, the open page shows the edit");
    check_dev_loop(&scratch, tools, server, name)?;
    let _ = std::fs::remove_dir_all(&scratch);
    println!("`cargo xtask new-remote {name}` made a remote that builds, tests, deploys and shows its page, and `cargo xtask dev` rebuilds it live.");
    Ok(())
}

/// Proves the loop of `cargo xtask dev` in `scratch`, a copy of the workspace holding `remote`:
/// a page of the running store reloads itself after `remote`'s source is edited and shows the
/// edit; after an edit that panics while mounting, only that remote's slot shows its fallback
/// and the rest of the store works. Only that remote's manifest entry changed.
pub fn check_dev_loop(scratch: &Path, tools: &Tools, server: &Path, remote: &str) -> Result<()> {
    let addr = format!("127.0.0.1:{}", crate::free_port()?);
    let stop = AtomicBool::new(false);
    let manifest = || -> Result<contracts::manifest::RemoteManifest> {
        let bytes = std::fs::read(scratch.join("dist/remotes.json"))?;
        Ok(serde_json::from_slice(&bytes)?)
    };
    let before = manifest()?;
    std::thread::scope(|threads| {
        let looping = threads.spawn(|| dev::watch_store(scratch, tools, &addr, server, &stop));
        let checked = (|| -> Result<()> {
            let runtime = tokio::runtime::Runtime::new()?;
            runtime.block_on(async {
                let browser = e2e::Browser::open_at(&format!("http://{addr}")).await;
                browser.goto(&format!("/{remote}")).await;
                let heading = format!("[data-testid={remote}-page] h1");
                browser.wait_for(&heading).await;
                let views = scratch.join(format!("remotes/{remote}/src/views.rs"));
                let source = std::fs::read_to_string(&views)?;
                let title = format!("<h1>\"{}\"</h1>", scaffold::pascal(remote));
                if !source.contains(&title) {
                    bail!("{} has no {title}", views.display());
                }
                let edited = source.replace(&title, "<h1>\"Edited while running\"</h1>");
                std::fs::write(&views, &edited)?;
                // The loop rebuilds the remote; the page sees the new manifest and reloads itself.
                let mut patient = browser;
                patient.set_patience(Duration::from_secs(240));
                patient.wait_for_text(&heading, "Edited while running").await;

                // Next the edit is a bug: a real Rust panic while mounting. Under `panic = "abort"`
                // it is a trap, and only this remote's slot shows it.
                let component = "pub fn Page(context: MountContext) -> impl IntoView {";
                if !edited.contains(component) {
                    bail!("{} has no {component}", views.display());
                }
                let panicking =
                    edited.replace(component, &format!("{component}\n    panic!(\"broken while mounting\");"));
                std::fs::write(&views, panicking)?;
                let fallback = format!("main [data-remote={remote}] [data-testid=remote-fallback]");
                patient.wait_for(&fallback).await;
                let shown = patient.text(&fallback).await;
                if !shown.contains("unreachable") {
                    bail!("the fallback of a panicking remote says {shown:?}");
                }
                patient.wait_for("[data-testid=shell-header]").await;
                patient.click("a.brand").await;
                patient.wait_for("[data-testid=product-card]").await;
                patient.close().await;
                Ok(())
            })
        })();
        stop.store(true, Ordering::Relaxed);
        let looped = looping.join().map_err(|_| anyhow!("the dev loop panicked"))?;
        checked.and(looped)
    })?;
    let after = manifest()?;
    for entry in &before.remotes {
        let now = after.entry(&entry.name).with_context(|| format!("{} left the manifest", entry.name))?;
        if (entry.name == remote) == (now == entry) {
            bail!(
                "after editing {remote}, {}'s manifest entry {}",
                entry.name,
                if now == entry { "did not change" } else { "changed" }
            );
        }
    }
    Ok(())
}

/// Proves the standalone host of `cargo xtask dev <remote>` on the built `dist/`: product-details
/// alone on its page mounts, its add-to-cart reaches the real API, and the host logs the events
/// it publishes.
pub fn check_dev_host(root: &Path, server: &Path) -> Result<()> {
    let host = root.join("target/dev-host-check");
    let _ = std::fs::remove_dir_all(&host);
    dev::write_host(root, &host, "product-details")?;
    let runtime = tokio::runtime::Runtime::new()?;
    let logged = runtime.block_on(async {
        let store = e2e::Store::builder().server(server).serve(&host).start().await;
        let browser = e2e::Browser::open(&store).await;
        browser.goto("/products/1?variant=red").await;
        browser.click("[data-testid=add-to-cart]").await;
        browser
            .until(
                "cart:updated in the host's event log",
                "return document.getElementById('events').textContent",
                |v| v.as_str().is_some_and(|t| t.contains("cart:updated") && t.contains("\"itemCount\":1")),
            )
            .await;
        let log = browser.text("#events").await;
        browser.close().await;
        log
    });
    let _ = std::fs::remove_dir_all(&host);
    println!(
        "The standalone host mounted product-details and logged: {}",
        logged.chars().take(120).collect::<String>()
    );
    Ok(())
}

//! The server-rendering half of a [`Store`](crate::Store): the shell's composer and the server
//! half of every remote that has one, each its own process as in production, and the manifest
//! of the store's `dist/` pointing at them.
//!
//! On by default; `E2E_SERVER_RENDERING=off` runs a store without it (the browser renders
//! every slot, as it always can).

use std::path::{Path, PathBuf};

use tokio::process::{Child, Command};

use crate::process::{spawn_until_ready, Log};

/// The remotes with a server half: (remote, binary next to `cart-api`).
pub const SERVER_HALVES: [(&str, &str); 5] = [
    ("catalog", "catalog-server"),
    ("product-details", "product-details-server"),
    ("cart", "cart-server"),
    ("checkout", "checkout-server"),
    ("cart-summary", "cart-summary-server"),
];

pub fn enabled() -> bool {
    std::env::var("E2E_SERVER_RENDERING").map_or(true, |v| v != "off")
}

/// A binary built next to `cart-api` (`target/release/`).
fn sibling(cart_api: &Path, name: &str) -> PathBuf {
    let bin = cart_api.with_file_name(name);
    assert!(
        bin.exists(),
        "{} does not exist: `cargo xtask build` builds it next to cart-api (or set E2E_SERVER_RENDERING=off)",
        bin.display()
    );
    bin
}

/// The running composer and server halves.
pub struct ServerRendering {
    pub composer_url: String,
    composer: Child,
    halves: Vec<(String, Child, Log)>,
    cart_api: PathBuf,
}

impl ServerRendering {
    /// Starts the composer; the server halves start once cart-api is up ([`Self::start_halves`]).
    pub async fn start_composer(cart_api: &Path) -> ServerRendering {
        let mut command = Command::new(sibling(cart_api, "composer"));
        command.env("ADDR", "127.0.0.1:0");
        let (composer, url, _log) =
            spawn_until_ready(command, "composer", "composer listening on ").await.unwrap_or_else(|e| panic!("{e}"));
        ServerRendering {
            composer_url: url.trim().to_string(),
            composer,
            halves: Vec::new(),
            cart_api: cart_api.to_path_buf(),
        }
    }

    /// Starts each remote's server half against the cart API at `api`, and writes its address
    /// into the manifest of `dist`, as a deployment of the server half would.
    /// A `dist` without a manifest, or without one of these remotes, gets no server half for it.
    pub async fn start_halves(&mut self, api: &str, dist: &Path) {
        let Some(manifest) = crate::manifest::try_read(dist) else { return };
        let deployed = |remote: &str| manifest.entry(remote).is_some();
        for (remote, binary) in SERVER_HALVES.into_iter().filter(|(remote, _)| deployed(remote)) {
            let url = self.start_half(remote, binary, api).await;
            crate::manifest::edit(dist, remote, |entry| entry.release.server = Some(url));
        }
    }

    async fn start_half(&mut self, remote: &str, binary: &str, api: &str) -> String {
        let mut command = Command::new(sibling(&self.cart_api, binary));
        command.env("ADDR", "127.0.0.1:0").env("CART_API_URL", api);
        let ready: &'static str = Box::leak(format!("{remote} server listening on ").into_boxed_str());
        let (child, url, log) = spawn_until_ready(command, binary, ready).await.unwrap_or_else(|e| panic!("{e}"));
        self.halves.push((remote.to_string(), child, log));
        url.trim().to_string()
    }

    /// Deploys `remote`'s server half again, as its team would: starts a new process, points the
    /// manifest of `dist` at it, then stops the old one. Nothing else is restarted.
    pub async fn redeploy_half(&mut self, remote: &str, api: &str, dist: &Path) {
        let Some((_, binary)) = SERVER_HALVES.into_iter().find(|(name, _)| *name == remote) else { return };
        let old: Vec<usize> = (0..self.halves.len()).filter(|&i| self.halves[i].0 == remote).collect();
        let url = self.start_half(remote, binary, api).await;
        crate::manifest::edit(dist, remote, |entry| entry.release.server = Some(url));
        for i in old.into_iter().rev() {
            let (_, mut child, _) = self.halves.remove(i);
            let _ = child.kill().await;
        }
    }

    /// Stops the server half of `remote`, as an outage of that team's servers would.
    pub async fn stop_half(&mut self, remote: &str) {
        for (name, child, _) in &mut self.halves {
            if name == remote {
                let _ = child.kill().await;
            }
        }
    }

    /// What the server halves have printed so far.
    pub fn logs(&self) -> String {
        self.halves.iter().map(|(name, _, log)| format!("--- {name}\n{}", log.all())).collect()
    }
}

impl Drop for ServerRendering {
    fn drop(&mut self) {
        let _ = self.composer.start_kill();
        for (_, child, _) in &mut self.halves {
            let _ = child.start_kill();
        }
    }
}

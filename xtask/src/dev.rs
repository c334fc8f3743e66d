//! `cargo xtask dev`: the whole store with live reload: cart-api serves `dist/` and the API on
//! one origin; a change under `shell/` rebuilds the shell, a change under `remotes/<name>/`
//! rebuilds and republishes that remote alone, a change under `cart-api/` or `contracts/`
//! restarts what depends on it; the open page reloads itself.
//!
//! `cargo xtask dev <remote>`: one remote alone on its own page, with a minimal host that mounts
//! it with a mount context you can change (locale, theme, signed in or not), routes its
//! navigation requests and logs every event it publishes. The API is the real one.

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};

use anyhow::{bail, Context, Result};

use crate::frontend::{self, Rollout};
use crate::tools::Tools;
use crate::{run, step};

/// Polls the page does to reload itself when the shell or a remote was rebuilt. Served by
/// cart-api like any script (`script-src 'self'`); only `cargo xtask dev` adds it.
const RELOAD_JS: &str = r#"// Added by `cargo xtask dev`: reloads the page when the build changed.
const watched = ['/index.html', '/remotes.json'];
const read = () => Promise.all(watched.map(u => fetch(u, { cache: 'no-store' }).then(r => r.text()).catch(() => '')));
let last = await read();
setInterval(async () => {
  const now = await read();
  if (now.some((text, i) => text && text !== last[i])) location.reload();
}, 1000);
"#;

/// The newest modification time of any file under `paths`.
fn newest(paths: &[PathBuf]) -> SystemTime {
    fn walk(path: &Path, newest: &mut SystemTime) {
        if path.is_dir() {
            if let Ok(entries) = std::fs::read_dir(path) {
                for entry in entries.flatten() {
                    walk(&entry.path(), newest);
                }
            }
        } else if let Ok(modified) = std::fs::metadata(path).and_then(|m| m.modified()) {
            *newest = (*newest).max(modified);
        }
    }
    let mut time = SystemTime::UNIX_EPOCH;
    for path in paths {
        walk(path, &mut time);
    }
    time
}

/// Something to rebuild when its sources change.
struct Watch {
    what: String,
    sources: Vec<PathBuf>,
    seen: SystemTime,
}

impl Watch {
    fn new(what: impl Into<String>, sources: Vec<PathBuf>) -> Self {
        let seen = newest(&sources);
        Watch { what: what.into(), sources, seen }
    }

    fn changed(&mut self) -> bool {
        let now = newest(&self.sources);
        let changed = now > self.seen;
        self.seen = now;
        changed
    }
}

/// A server process, stopped when dropped.
pub struct Server(pub Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Builds the workspace's cart-api (release) and answers where the binary is.
fn build_server(root: &Path) -> Result<PathBuf> {
    run(crate::cargo_in(root).args(["build", "--release", "-p", "cart-api"]))?;
    Ok(crate::target_dir(root).join("release/cart-api"))
}

/// `binary` serving `dist` on `addr`, with its database under `root/data/`.
fn start_server(binary: &Path, root: &Path, dist: &Path, addr: &str) -> Result<Server> {
    let child = Command::new(binary)
        .current_dir(root)
        .env("ADDR", addr)
        .env("DIST_DIR", dist)
        .spawn()
        .context("cannot start cart-api")?;
    Ok(Server(child))
}

/// Adds the reload script to a built `index.html` (and drops its precompressed copies, which
/// would be served instead).
fn add_reload(dist: &Path) -> Result<()> {
    std::fs::write(dist.join("dev-reload.js"), RELOAD_JS)?;
    let index = dist.join("index.html");
    let html = std::fs::read_to_string(&index).with_context(|| format!("{}", index.display()))?;
    if !html.contains("/dev-reload.js") {
        let html = html.replacen("</head>", "<script type=\"module\" src=\"/dev-reload.js\"></script></head>", 1);
        std::fs::write(&index, html)?;
    }
    for stale in ["index.html.br", "index.html.gz"] {
        let _ = std::fs::remove_file(dist.join(stale));
    }
    Ok(())
}

/// Rebuilds the shell with trunk into a side directory and copies it over `dist/`, leaving the
/// remotes and their manifest as they are.
fn rebuild_shell(root: &Path, tools: &Tools) -> Result<()> {
    let side = root.join("target/dev-shell");
    let _ = std::fs::remove_dir_all(&side);
    run(tools
        .release_wasm(&mut tools.command("trunk"))
        .current_dir(root)
        .args(["build", "--release", "--dist"])
        .arg(&side))?;
    frontend::finish_shell(&side, tools)?;
    for entry in std::fs::read_dir(&side)? {
        let path = entry?.path();
        if path.is_file() {
            let name = path.file_name().context("a file name")?;
            std::fs::copy(&path, root.join("dist").join(name))?;
        }
    }
    add_reload(&root.join("dist"))
}

pub fn dev(root: &Path, tools: &Tools, remote: Option<&str>) -> Result<()> {
    if !root.join("dist/remotes.json").exists() {
        crate::build_release()?;
    }
    match remote {
        None => dev_store(root, tools),
        Some(name) => dev_remote(root, tools, name),
    }
}

fn dev_store(root: &Path, tools: &Tools) -> Result<()> {
    let addr = std::env::var("ADDR").unwrap_or_else(|_| "127.0.0.1:8080".into());
    let server = build_server(root)?;
    step(&format!("The store runs on http://{addr}; edit shell/, remotes/, cart-api/ or contracts/ (Ctrl-C stops)"));
    watch_store(root, tools, &addr, &server, &AtomicBool::new(false))
}

/// The loop of `cargo xtask dev`: serves the store on `addr` and rebuilds what changed, until
/// `stop` is set.
pub(crate) fn watch_store(root: &Path, tools: &Tools, addr: &str, server: &Path, stop: &AtomicBool) -> Result<()> {
    add_reload(&root.join("dist"))?;
    let mut running = start_server(server, root, &root.join("dist"), addr)?;
    let mut shell = Watch::new("shell", vec![root.join("shell")]);
    let mut api = Watch::new("cart-api", vec![root.join("cart-api/src"), root.join("cart-api/migrations")]);
    let mut contracts = Watch::new("contracts", vec![root.join("contracts/src")]);
    let mut remotes: Vec<Watch> = frontend::remotes(root)?
        .into_iter()
        .map(|r| Watch::new(r.name.clone(), vec![root.join("remotes").join(&r.name)]))
        .collect();
    while !stop.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(700));
        let everything = contracts.changed();
        let result = (|| -> Result<()> {
            if everything || shell.changed() {
                step("shell changed: rebuilding it");
                rebuild_shell(root, tools)?;
            }
            for watch in &mut remotes {
                if everything || watch.changed() {
                    step(&format!("{} changed: republishing it alone", watch.what));
                    frontend::build_remote(root, tools, &watch.what, Rollout::Everyone)?;
                }
            }
            if everything || api.changed() {
                step("cart-api changed: restarting it");
                let rebuilt = build_server(root)?;
                drop(std::mem::replace(&mut running, start_server(&rebuilt, root, &root.join("dist"), addr)?));
            }
            Ok(())
        })();
        // A build error is shown and waited out: the next save tries again.
        if let Err(error) = result {
            eprintln!("error: {error}");
        }
    }
    Ok(())
}

fn dev_remote(root: &Path, tools: &Tools, name: &str) -> Result<()> {
    let addr = std::env::var("ADDR").unwrap_or_else(|_| "127.0.0.1:8090".into());
    if !frontend::remotes(root)?.iter().any(|r| r.name == name) {
        bail!("no remote named {name} under remotes/");
    }
    let host = root.join("target/dev").join(name);
    // The remote's current build first, so the page works from the start.
    frontend::build_remote(root, tools, name, Rollout::Everyone)?;
    write_host(root, &host, name)?;
    let _server = start_server(&build_server(root)?, root, &host, &addr)?;
    let mut watch = Watch::new(name, vec![root.join("remotes").join(name), root.join("contracts/src")]);
    step(&format!("{name} runs alone on http://{addr} with a minimal host (Ctrl-C stops)"));
    loop {
        std::thread::sleep(Duration::from_millis(700));
        if watch.changed() {
            step(&format!("{name} changed: rebuilding it"));
            let rebuilt = frontend::build_remote(root, tools, name, Rollout::Everyone)
                .and_then(|_| write_host(root, &host, name));
            if let Err(error) = rebuilt {
                eprintln!("error: {error}");
            }
        }
    }
}

/// The standalone page: the remote's files, a manifest with its entry alone, the shell's design
/// tokens, the host script and the reload script.
pub(crate) fn write_host(root: &Path, host: &Path, name: &str) -> Result<()> {
    let dist = root.join("dist");
    std::fs::create_dir_all(host.join("remotes"))?;
    let mut manifest: contracts::manifest::RemoteManifest =
        serde_json::from_slice(&std::fs::read(dist.join("remotes.json"))?)?;
    manifest.remotes.retain(|r| r.name == name);
    std::fs::write(host.join("remotes.json"), serde_json::to_vec_pretty(&manifest)?)?;
    let _ = std::fs::remove_dir_all(host.join("remotes").join(name));
    copy_dir(&dist.join("remotes").join(name), &host.join("remotes").join(name))?;
    // The shell's stylesheet carries the design tokens every remote uses.
    let tokens = std::fs::read_dir(&dist)?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "css"))
        .context("no shell stylesheet in dist/")?;
    std::fs::copy(&tokens, host.join("tokens.css"))?;
    let events: Vec<&str> = contracts::events::registry().iter().map(|s| s.name).collect();
    let script = HOST_JS
        .replace("__NAME__", &serde_json::to_string(name)?)
        .replace("__EVENTS__", &serde_json::to_string(&events)?)
        .replace("__MAJOR__", &contracts::CONTRACTS_MAJOR.to_string());
    std::fs::write(host.join("host.js"), script)?;
    std::fs::write(host.join("index.html"), HOST_HTML.replace("__NAME__", name))?;
    add_reload(host)
}

/// Copies a directory tree.
pub fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from).with_context(|| format!("{}", from.display()))? {
        let path = entry?.path();
        let target = to.join(path.file_name().context("a file name")?);
        if path.is_dir() {
            copy_dir(&path, &target)?;
        } else {
            std::fs::copy(&path, &target)?;
        }
    }
    Ok(())
}

const HOST_HTML: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>__NAME__ — standalone</title>
<link rel="stylesheet" href="/tokens.css">
<script type="module" src="/host.js"></script>
</head>
<body>
<header class="shell-header">
  <strong>__NAME__</strong> alone
  <label>Locale <select id="locale"><option>en-US</option><option>de-DE</option></select></label>
  <button type="button" id="theme">Toggle theme</button>
  <button type="button" id="identity">Sign in as the demo account</button>
</header>
<main class="shell-main"><section class="remote-slot" data-remote="__NAME__"><div id="host"></div></section></main>
<section class="shell-main"><h2>Events published</h2><ol id="events"></ol></section>
</body>
</html>
"#;

const HOST_JS: &str = r#"// The minimal host of `cargo xtask dev <remote>`: what the shell would do, and no more.
const NAME = __NAME__;
const EVENTS = __EVENTS__;
const host = document.getElementById('host');
const context = { contractsMajor: __MAJOR__, shell: 'dev-host@0.0.0', apiBase: '/api', locale: 'en-US', theme: 'light',
  identity: { userId: null, displayName: null, roles: [], locale: null, loggedIn: false } };
const envelope = (name, payload) => ({ name, version: 1, id: crypto.randomUUID().replaceAll('-', '').slice(0, 16),
  publisher: context.shell, time: Date.now(), traceId: '', payload });
const publish = (name, payload) => window.dispatchEvent(new CustomEvent(name, { detail: envelope(name, payload) }));

for (const name of EVENTS) {
  window.addEventListener(name, e => {
    const li = document.createElement('li');
    li.textContent = `${name} ${JSON.stringify(e.detail)}`;
    document.getElementById('events').prepend(li);
  });
}
// The remote asks to navigate; the host owns history, like the shell's router.
window.addEventListener('platform:navigation-requested', e => {
  const { url, replace } = e.detail?.payload ?? {};
  if (typeof url !== 'string' || !url.startsWith('/') || url.startsWith('//')) return;
  replace ? history.replaceState(null, '', url) : history.pushState(null, '', url);
  publish('platform:route-changed', { path: location.pathname, search: location.search });
});
window.addEventListener('popstate', () => publish('platform:route-changed', { path: location.pathname, search: location.search }));

const manifest = await (await fetch('/remotes.json', { cache: 'no-store' })).json();
const entry = manifest.remotes.find(r => r.name === NAME);
const remote = await import(entry.js);
await remote.default({ module_or_path: fetch(entry.wasm, { integrity: entry.integrity.wasm }) });
const mount = () => { remote.unmount(host); remote.mount(host, structuredClone(context)); };
mount();

document.getElementById('locale').addEventListener('change', e => {
  context.locale = e.target.value;
  publish('platform:locale-changed', { locale: context.locale });
});
document.getElementById('theme').addEventListener('click', () => {
  context.theme = context.theme === 'dark' ? 'light' : 'dark';
  document.documentElement.dataset.theme = context.theme;
  publish('platform:theme-changed', { theme: context.theme });
});
document.getElementById('identity').addEventListener('click', async e => {
  const signedIn = context.identity.loggedIn;
  const answer = signedIn
    ? await fetch('/api/session/logout', { method: 'POST' })
    : await fetch('/api/session/login', { method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: 'demo@shop.test', password: 'demo-password' }) });
  context.identity = await answer.json();
  e.target.textContent = context.identity.loggedIn ? 'Sign out' : 'Sign in as the demo account';
  publish(context.identity.loggedIn ? 'user:logged-in' : 'user:logged-out',
    context.identity.loggedIn ? { userId: context.identity.userId } : { reason: 'user' });
  mount();
});
"#;

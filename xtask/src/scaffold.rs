//! `cargo xtask new-remote <name>`: a new remote crate from a template, ready to build, test and
//! deploy: `mount`/`unmount`, one page at `/<name>` (routed by the shell through the manifest,
//! no shell release needed), one published event declared in `contracts`, a test.

use std::path::Path;

use anyhow::{bail, Context, Result};

use crate::{run, step};

/// Checks a remote name: kebab-case ASCII, 2 to 30 characters, not taken.
pub fn check_name(root: &Path, name: &str) -> Result<()> {
    let kebab = name.len() >= 2
        && name.len() <= 30
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && !name.ends_with('-')
        && !name.contains("--")
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !kebab {
        bail!("{name:?}: a remote name is kebab-case, e.g. `wishlist` or `gift-cards`");
    }
    if ["shell", "contracts", "cart-api", "e2e", "xtask", "api", "remotes"].contains(&name) {
        bail!("{name:?} is reserved");
    }
    if root.join("remotes").join(name).exists() {
        bail!("remotes/{name} exists already");
    }
    Ok(())
}

pub fn pascal(name: &str) -> String {
    name.split('-').map(|w| w[..1].to_ascii_uppercase() + &w[1..]).collect()
}

fn write(path: &Path, text: &str) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("{}", dir.display()))?;
    }
    std::fs::write(path, text).with_context(|| format!("{}", path.display()))
}

/// Inserts `line` after the line that contains `anchor` (the first one).
fn insert_after(text: &str, anchor: &str, line: &str) -> Result<String> {
    let at = text.find(anchor).with_context(|| format!("cannot find {anchor:?}"))?;
    let end = text[at..].find('\n').map_or(text.len(), |e| at + e + 1);
    Ok(format!("{}{line}\n{}", &text[..end], &text[end..]))
}

pub fn new_remote(root: &Path, name: &str) -> Result<()> {
    check_name(root, name)?;
    let pascal = pascal(name);
    let module = name.replace('-', "_");
    let event = format!("{pascal}Viewed");
    step(&format!("Creating remotes/{name}"));
    let dir = root.join("remotes").join(name);
    let fill = |template: &str| {
        template
            .replace("{{name}}", name)
            .replace("{{Pascal}}", &pascal)
            .replace("{{module}}", &module)
            .replace("{{Event}}", &event)
    };
    write(&dir.join("Cargo.toml"), &fill(CARGO_TOML))?;
    write(&dir.join("src/lib.rs"), &fill(LIB_RS))?;
    write(&dir.join("src/views.rs"), &fill(VIEWS_RS))?;
    write(&dir.join("style.css"), &fill(STYLE_CSS))?;

    step("Declaring its event in contracts");
    write(&root.join(format!("contracts/src/events/{module}.rs")), &fill(EVENT_RS))?;
    let events = root.join("contracts/src/events/mod.rs");
    let mut text = std::fs::read_to_string(&events)?;
    text = insert_after(&text, "mod user;", &format!("mod {module};"))?;
    text = insert_after(&text, "pub use user::", &format!("pub use {module}::{event};"))?;
    text = insert_after(&text, "EventSpec::of::<EventConsumed>(),", &format!("        EventSpec::of::<{event}>(),"))?;
    text = insert_after(
        &text,
        "(EventConsumed::NAME, EventConsumed::VERSION),",
        &format!("    ({event}::NAME, {event}::VERSION),"),
    )?;
    write(&events, &text)?;

    step("Adding it to the workspace");
    let cargo_toml = root.join("Cargo.toml");
    let text = std::fs::read_to_string(&cargo_toml)?;
    write(&cargo_toml, &insert_after(&text, "\"remotes/checkout\",", &format!("    \"remotes/{name}\","))?)?;

    step("Writing the event's schema and docs/events.md");
    run(crate::cargo_in(root).args(["test", "-p", "contracts", "--test", "governance"]).env("UPDATE_CONTRACTS", "1"))?;

    println!(
        "\nCreated remote {name}: remotes/{name}/ (page /{name}, event {name}:viewed).\n\
         Next: `cargo xtask build --remote {name}` publishes it into dist/ (after one full `cargo xtask build`),\n\
         `cargo xtask dev {name}` runs it alone, `cargo xtask test` runs its test in headless Chromium."
    );
    Ok(())
}

const CARGO_TOML: &str = r#"[package]
name = "{{name}}"
version = "0.1.0"
description = "{{Pascal}} remote."
edition.workspace = true
license.workspace = true
rust-version.workspace = true
publish = false

[lib]
crate-type = ["cdylib", "rlib"]

# A remote depends on contracts and third-party crates only: never on the shell or another remote.
# The same dependencies as every remote, so the wasm builds share one compilation of each.
[dependencies]
contracts.workspace = true
leptos.workspace = true
wasm-bindgen.workspace = true
wasm-bindgen-futures.workspace = true
js-sys.workspace = true
serde.workspace = true
serde_json.workspace = true
send_wrapper.workspace = true
web-sys.workspace = true

[dev-dependencies]
wasm-bindgen-test = "0.3"

# The pages this remote owns. The shell routes them through dist/remotes.json, so a new page
# needs no shell release.
[package.metadata.remote]
routes = ["/{{name}}"]
"#;

const LIB_RS: &str = r#"//! The {{name}} remote: the page at `/{{name}}`.
//!
//! Public surface: `mount(host, context)` and `unmount(host)`, called by the shell, and the
//! event it publishes, `{{name}}:viewed` (declared in `contracts::events`).

mod views;

use wasm_bindgen::prelude::*;

/// `name@version`, the publisher of this remote's events.
pub(crate) const PUBLISHER: &str = concat!("{{name}}@", env!("CARGO_PKG_VERSION"));

#[wasm_bindgen(start)]
fn start() {
    contracts::browser::install_panic_hook(PUBLISHER);
}

/// Renders the remote into `host` with the platform `context` the shell passes.
#[wasm_bindgen]
pub fn mount(host: web_sys::HtmlElement, context: JsValue) -> Result<(), JsValue> {
    contracts::browser::mount::mount_with(&host, &context, |host, context| {
        leptos::mount::mount_to(host, move || views::Page(views::PageProps { context }))
    })
}

/// Removes what `mount` rendered into `host`.
#[wasm_bindgen]
pub fn unmount(host: web_sys::HtmlElement) {
    contracts::browser::mount::release(&host);
}
"#;

const VIEWS_RS: &str = r#"//! The {{name}} page. It publishes `{{name}}:viewed` once it is on screen.

use contracts::context::MountContext;
use contracts::events::{{Event}};
use leptos::prelude::*;

use crate::PUBLISHER;

/// The event this page publishes when it is shown.
fn viewed(path: String) -> {{Event}} {
    {{Event}} { path }
}

#[component]
pub fn Page(context: MountContext) -> impl IntoView {
    let path = contracts::browser::navigation::current_path();
    contracts::browser::events::publish(PUBLISHER, &contracts::browser::events::new_trace_id(), viewed(path));
    let greeting = match context.identity.display_name {
        Some(name) => format!("Hello, {name}."),
        None => "Hello.".to_string(),
    };
    view! {
        <section class="{{name}}-page" data-testid="{{name}}-page">
            <h1>"{{Pascal}}"</h1>
            <p>{greeting}</p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use contracts::events::EventContract;
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    #[wasm_bindgen_test]
    fn its_event_is_owned_here_and_valid() {
        assert_eq!({{Event}}::OWNER, "{{name}}");
        assert!(viewed("/{{name}}".into()).validate().is_ok());
        assert!(viewed("not a path".into()).validate().is_err());
    }
}
"#;

const STYLE_CSS: &str = r#"/* {{Pascal}} remote. Owns only `.{{name}}-*` classes; the build scopes every rule to its slot. */
.{{name}}-page { background: var(--color-surface); border: 1px solid var(--color-border); border-radius: var(--radius); padding: var(--space-4); }
.{{name}}-page h1 { margin-top: 0; }
"#;

const EVENT_RS: &str = r#"//! Events owned by the {{name}} team.

use serde::{Deserialize, Serialize};

use super::EventContract;

/// `{{name}}:viewed` v1: the visitor opened a page of {{name}}.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct {{Event}} {
    /// The page's path, e.g. `/{{name}}`.
    pub path: String,
}

impl EventContract for {{Event}} {
    const NAME: &'static str = "{{name}}:viewed";
    const VERSION: u32 = 1;
    const OWNER: &'static str = "{{name}}";
    // The shell's event inspector records every registry event (once the shell is rebuilt
    // with this version of contracts).
    const CONSUMERS: &'static [&'static str] = &["shell-inspector"];
    const DESCRIPTION: &'static str = "The visitor opened a page of {{name}}.";

    fn example() -> Self {
        Self { path: "/{{name}}".into() }
    }

    fn validate(&self) -> Result<(), String> {
        if !self.path.starts_with('/') {
            return Err("path is not a path".into());
        }
        Ok(())
    }
}
"#;

/// What `new-remote` makes weighs, built as `build --remote` publishes it (for `cargo xtask
/// bench`): the wasm and JS glue of a remote made from the template, in a copy of the workspace
/// sharing `target/`.
pub fn scaffolded_bundle(root: &Path, tools: &crate::tools::Tools) -> Result<(Vec<u8>, Vec<u8>)> {
    let name = "wishlist";
    std::env::set_var("CARGO_TARGET_DIR", crate::target_dir(root));
    let scratch = root.join("target/scaffold-size");
    let _ = std::fs::remove_dir_all(&scratch);
    copy_workspace(root, &scratch)?;
    new_remote(&scratch, name)?;
    crate::frontend::build_remote(&scratch, tools, name, crate::frontend::Rollout::Everyone)?;
    let dist = scratch.join("dist");
    let manifest: contracts::manifest::RemoteManifest =
        serde_json::from_slice(&std::fs::read(dist.join("remotes.json"))?)?;
    let release = &manifest.entry(name).context("the scaffolded remote is not in its manifest")?.release;
    let read = |url: &str| std::fs::read(dist.join(url.trim_start_matches('/'))).with_context(|| url.to_string());
    let bundle = (read(&release.wasm)?, read(&release.js)?);
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(bundle)
}

/// The workspace's files as git sees them (tracked and new, not ignored), plus the built `dist/`.
pub(crate) fn copy_workspace(root: &Path, to: &Path) -> Result<()> {
    let listed = std::process::Command::new("git")
        .current_dir(root)
        .args(["ls-files", "-z", "--cached", "--others", "--exclude-standard"])
        .output()
        .context("git ls-files")?;
    for file in listed.stdout.split(|b| *b == 0).filter(|f| !f.is_empty()) {
        let relative = Path::new(std::str::from_utf8(file)?);
        let from = root.join(relative);
        if from.is_file() {
            let target = to.join(relative);
            if let Some(dir) = target.parent() {
                std::fs::create_dir_all(dir)?;
            }
            std::fs::copy(&from, &target).with_context(|| format!("{}", from.display()))?;
        }
    }
    crate::dev::copy_dir(&root.join("dist"), &to.join("dist"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked() {
        let root = Path::new("/nonexistent");
        for good in ["wishlist", "gift-cards", "b2b"] {
            assert!(check_name(root, good).is_ok(), "{good}");
        }
        for bad in ["", "x", "Wishlist", "gift_cards", "-a", "a-", "a--b", "shell", "9lives", "é"] {
            assert!(check_name(root, bad).is_err(), "{bad}");
        }
        assert_eq!(pascal("gift-cards"), "GiftCards");
    }

    #[test]
    fn lines_are_inserted_after_their_anchor() {
        assert_eq!(insert_after("a\nb\nc\n", "b", "x").unwrap(), "a\nb\nx\nc\n");
        assert!(insert_after("a\n", "zzz", "x").is_err());
    }
}

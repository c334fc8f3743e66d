//! The front-end build: the shell with trunk, then each remote as its own wasm bundle with
//! content-hashed file names, and the manifest (`dist/remotes.json`) the shell reads at run time.
//!
//! Longer than most: it is one pipeline, from the compiler's output to `dist/` (the shell's
//! finish, packaging, scoped CSS, hashes and integrity, pre-compression), in the order it runs.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use base64::Engine;
use contracts::manifest::{Canary, Integrity, Release, RemoteEntry, RemoteManifest};
use sha2::{Digest, Sha256, Sha384};

use crate::tools::Tools;
use crate::{run, step};

const WASM_TARGET: &str = "wasm32-unknown-unknown";
const PROFILE: &str = "wasm-release";
/// The wasm features rustc emits by default; wasm-bindgen drops the section that would let
/// wasm-opt detect them. The same list is in shell/index.html (`data-wasm-opt-params`).
pub const WASM_FEATURES: &str = "--enable-bulk-memory --enable-bulk-memory-opt --enable-nontrapping-float-to-int \
     --enable-sign-ext --enable-reference-types --enable-multivalue --enable-mutable-globals";

pub fn build(root: &Path, tools: &Tools) -> Result<()> {
    step("Building the shell with trunk (release)");
    // trunk replaces dist/ as a whole, so the remotes are added after it.
    crate::progress::run(
        tools.release_wasm(&mut tools.command("trunk")).current_dir(root).args(["build", "--release"]),
    )?;
    finish_shell(&root.join("dist"), tools)?;

    step("Building the remotes (release wasm)");
    let remotes = remotes(root)?;
    let mut cargo = crate::cargo_in(root);
    cargo.args(["build", "--target", WASM_TARGET, "--profile", PROFILE]);
    for remote in &remotes {
        cargo.args(["-p", &remote.name]);
    }
    crate::progress::run(tools.release_wasm(&mut cargo))?;

    let mut manifest = RemoteManifest { remotes: Vec::new() };
    for remote in &remotes {
        step(&format!("Packaging remote {}", remote.name));
        let release = package_remote(root, tools, &remote.name)?;
        manifest.remotes.push(RemoteEntry {
            name: remote.name.clone(),
            routes: remote.routes.clone(),
            release,
            fallback: None,
            canary: None,
        });
    }
    write_manifest(&root.join("dist"), &manifest)?;

    step("Pre-compressing (brotli and gzip)");
    precompress(&root.join("dist"))
}

/// A bundle the shell loads at run time from the manifest: every package under `remotes/`, and
/// the shell team's own on-demand bundles (a package under `shell/` with
/// `[package.metadata.bundle]`, such as the event inspector).
pub struct RemoteCrate {
    pub name: String,
    /// `[package.metadata.remote] routes`: path prefixes the shell routes to it through the
    /// manifest (the four built-in remotes are in the shell's own route table instead).
    pub routes: Vec<String>,
}

/// The workspace's bundles, from `cargo metadata`: a new crate under `remotes/` is built and
/// published without any list to update.
pub fn remotes(root: &Path) -> Result<Vec<RemoteCrate>> {
    let metadata = crate::metadata(root)?;
    let (remotes_dir, shell_dir) = (root.join("remotes"), root.join("shell"));
    let mut found: Vec<RemoteCrate> = metadata
        .packages
        .into_iter()
        .filter(|p| {
            let manifest = p.manifest_path.as_std_path();
            manifest.starts_with(&remotes_dir) || (manifest.starts_with(&shell_dir) && p.metadata["bundle"].is_object())
        })
        .map(|p| RemoteCrate {
            routes: p.metadata["remote"]["routes"]
                .as_array()
                .map(|r| r.iter().filter_map(|r| r.as_str().map(str::to_string)).collect())
                .unwrap_or_default(),
            name: p.name,
        })
        .collect();
    // The built-in remotes first, in their usual order; then the others by name.
    let rank = |name: &str| contracts::routes::Remote::from_name(name).map_or(usize::MAX, |r| r as usize);
    found.sort_by(|a, b| rank(&a.name).cmp(&rank(&b.name)).then(a.name.cmp(&b.name)));
    Ok(found)
}

/// The crate directory of a bundle.
pub fn crate_dir(root: &Path, name: &str) -> PathBuf {
    let shell_owned = root.join("shell").join(name);
    if shell_owned.join("Cargo.toml").exists() {
        shell_owned
    } else {
        root.join("remotes").join(name)
    }
}

/// How `cargo xtask build --remote <name>` publishes the new release.
pub enum Rollout {
    /// Live for everyone; the release it replaces becomes the fallback.
    Everyone,
    /// Live for this share of sessions (1..=99); everyone else keeps the current release.
    Canary(u8),
}

/// Builds one remote and publishes it into an existing `dist/`: its new files are added (the old
/// ones stay, for pages still running them and as the fallback) and only its manifest entry
/// changes. The shell and the other remotes are not touched.
pub fn build_remote(root: &Path, tools: &Tools, name: &str, rollout: Rollout) -> Result<()> {
    build_remote_at(root, tools, name, rollout, None)
}

/// Like [`build_remote`]; with `base_url` (an origin such as `https://cdn.example.com`) the
/// manifest points at the files there instead of on the shell's origin: upload
/// `dist/remotes/<name>/` to it, serve it with CORS, and list the origin in the store's
/// `REMOTE_ORIGINS`.
pub fn build_remote_at(root: &Path, tools: &Tools, name: &str, rollout: Rollout, base_url: Option<&str>) -> Result<()> {
    let remote = remotes(root)?
        .into_iter()
        .find(|r| r.name == name)
        .with_context(|| format!("no remote crate named {name} under remotes/"))?;
    let manifest_path = root.join("dist/remotes.json");
    let mut manifest: RemoteManifest = serde_json::from_slice(
        &read(&manifest_path).context("build everything once with `cargo xtask build` before building one remote")?,
    )
    .with_context(|| format!("{}", manifest_path.display()))?;

    step(&format!("Building remote {name} (release wasm)"));
    crate::progress::run(tools.release_wasm(crate::cargo_in(root).args([
        "build",
        "--target",
        WASM_TARGET,
        "--profile",
        PROFILE,
        "-p",
        name,
    ])))?;
    step(&format!("Packaging remote {name}"));
    let mut release = package_remote(root, tools, name)?;
    if let Some(base) = base_url {
        let base = base.trim_end_matches('/');
        release.js = format!("{base}{}", release.js);
        release.wasm = format!("{base}{}", release.wasm);
        release.css = release.css.map(|css| format!("{base}{css}"));
    }

    let entry = match manifest.remotes.iter_mut().find(|e| e.name == name) {
        Some(entry) => entry,
        None => {
            manifest.remotes.push(RemoteEntry {
                name: name.to_string(),
                routes: Vec::new(),
                release: release.clone(),
                fallback: None,
                canary: None,
            });
            manifest.remotes.last_mut().context("empty manifest")?
        }
    };
    entry.routes = remote.routes;
    // Where the remote's server half runs is the deployment's business, not the build's: a new
    // browser release keeps it (the composer only uses it while the versions match).
    release.server = entry.release.server.clone();
    match rollout {
        Rollout::Everyone if entry.release != release => {
            let previous = std::mem::replace(&mut entry.release, release);
            entry.fallback = Some(previous);
            entry.canary = None;
        }
        // The same bytes again: nothing to publish, the fallback stays what it was.
        Rollout::Everyone => entry.canary = None,
        Rollout::Canary(percent) => entry.canary = Some(Canary { percent, release }),
    }
    let entry = entry.clone();
    write_manifest(&root.join("dist"), &manifest)?;
    precompress(&root.join("dist/remotes").join(name))?;
    println!(
        "\nPublished {}@{} ({}){}",
        entry.name,
        entry.canary.as_ref().map_or(&entry.release.version, |c| &c.release.version),
        entry.canary.as_ref().map_or(entry.release.js.clone(), |c| c.release.js.clone()),
        entry.canary.as_ref().map(|c| format!(" to {} % of sessions", c.percent)).unwrap_or_default()
    );
    Ok(())
}

/// Writes `dist/remotes.json` and its precompressed copies, which are what browsers get.
pub fn write_manifest(dist: &Path, manifest: &RemoteManifest) -> Result<()> {
    let json = serde_json::to_string_pretty(manifest)?;
    let path = dist.join("remotes.json");
    write(&path, json.as_bytes())?;
    write(&path.with_extension("json.gz"), &gzip(json.as_bytes()))?;
    write(&path.with_extension("json.br"), &brotli(json.as_bytes()))
}

/// Writes `<file>.br` and `<file>.gz` next to every text and wasm file, so the server sends
/// compressed bytes without compressing per request.
pub fn precompress(dir: &Path) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("{}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            precompress(&path)?;
            continue;
        }
        let compressible =
            matches!(path.extension().and_then(|e| e.to_str()), Some("js" | "wasm" | "css" | "html" | "json" | "svg"));
        if compressible {
            let bytes = read(&path)?;
            write(&path.with_extension(format!("{}.gz", ext(&path))), &gzip(&bytes))?;
            write(&path.with_extension(format!("{}.br", ext(&path))), &brotli(&bytes))?;
        }
    }
    Ok(())
}

fn ext(path: &Path) -> String {
    path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_string()
}

pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

pub fn brotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams { quality: 11, lgwin: 22, ..Default::default() };
    let _ = brotli::BrotliCompress(&mut std::io::Cursor::new(bytes), &mut out, &params);
    out
}

/// What trunk leaves to do in the shell's `dist`: its JS glue minified (under a new content hash,
/// with `index.html` pointing at it), and the boot script moved out of `index.html`.
pub fn finish_shell(dist: &Path, tools: &Tools) -> Result<()> {
    let index = dist.join("index.html");
    let mut html = String::from_utf8(read(&index)?)?;
    let glue = std::fs::read_dir(dist)?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .find(|n| n.starts_with("shell-") && n.ends_with(".js"))
        .context("trunk wrote no shell-<hash>.js")?;
    let original = read(&dist.join(&glue))?;
    let minified = tools.minify_js(&dist.join(&glue))?;
    let renamed = format!("shell-{}.js", content_hash(&minified));
    write(&dist.join(&renamed), &minified)?;
    std::fs::remove_file(dist.join(&glue))?;
    html = html.replace(&integrity(&original), &integrity(&minified)).replace(&glue, &renamed);
    write(&index, html.as_bytes())?;
    externalize_boot_script(dist)
}

/// Moves the module script trunk inlines into `index.html` to its own content-hashed file, so
/// the Content-Security-Policy can say `script-src 'self'` without `'unsafe-inline'`.
pub fn externalize_boot_script(dist: &Path) -> Result<()> {
    let index = dist.join("index.html");
    let html = String::from_utf8(read(&index)?)?;
    const OPEN: &str = "<script type=\"module\">";
    let Some(start) = html.find(OPEN) else { return Ok(()) };
    let end = html[start..].find("</script>").map(|e| start + e).context("unterminated script in index.html")?;
    // A page whose slots the server rendered is already the page: its wasm waits until the
    // page's own pictures are in (`load`), so it never competes with them for the network, and
    // until the browser has painted them, so the takeover's work never holds back that paint.
    let code = format!(
        "if (document.querySelector('[{attribute}]')) {{\n  \
         if (document.readyState !== 'complete') await new Promise((done) => addEventListener('load', done, {{ once: true }}));\n  \
         await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));\n}}\n{}\n",
        html[start + OPEN.len()..end].trim(),
        attribute = contracts::fragment::SERVER_RENDERED_ATTRIBUTE,
    );
    let file = format!("boot-{}.js", content_hash(code.as_bytes()));
    write(&dist.join(&file), code.as_bytes())?;
    let tag = format!(
        r#"<script type="module" src="/{file}" integrity="{}" crossorigin="anonymous"></script>"#,
        integrity(code.as_bytes())
    );
    let html = format!("{}{tag}{}", &html[..start], &html[end + "</script>".len()..]);
    // Marked for the composer, which drops it from a server-rendered page (see above).
    let html = html.replacen(
        r#"<link rel="preload" href="/shell-"#,
        &format!(r#"<link {SHELL_WASM_PRELOAD} rel="preload" href="/shell-"#),
        1,
    );
    write(&index, html.as_bytes())
}

/// The attribute of the shell's wasm preload in `index.html`.
pub const SHELL_WASM_PRELOAD: &str = contracts::fragment::SHELL_WASM_PRELOAD_ATTRIBUTE;

/// wasm-bindgen (`--target web`), wasm-opt, then copy into `dist/remotes/<name>/` under
/// content-hashed names.
fn package_remote(root: &Path, tools: &Tools, name: &str) -> Result<Release> {
    let crate_file = name.replace('-', "_");
    let target = crate::target_dir(root);
    let wasm_in = target.join(format!("{WASM_TARGET}/{PROFILE}/{crate_file}.wasm"));
    let staging = target.join("remotes").join(name);
    let wasm = staging.join(format!("{name}_bg.wasm"));
    // wasm-bindgen and wasm-opt take most of a later build's time and give the same bytes for the
    // same input: the staged output is reused while the compiler's wasm (and the flags) stay.
    let stamp = format!("{} {WASM_FEATURES}", content_hash(&read(&wasm_in)?));
    let stamp_file = staging.join(".input");
    let reusable = std::fs::read_to_string(&stamp_file).is_ok_and(|s| s == stamp)
        && wasm.exists()
        && staging.join(format!("{name}.js")).exists();
    if reusable {
        println!("    {name}'s wasm is unchanged: reusing its wasm-bindgen and wasm-opt output");
    } else {
        let _ = std::fs::remove_dir_all(&staging);
        run(tools
            .command("wasm-bindgen")
            .args(["--target", "web", "--no-typescript", "--out-name", name, "--out-dir"])
            .arg(&staging)
            .arg(&wasm_in))?;
        run(tools
            .command("wasm-opt")
            .arg("-Oz")
            .args(WASM_FEATURES.split_whitespace())
            .arg("-o")
            .arg(&wasm)
            .arg(&wasm))?;
        write(&stamp_file, stamp.as_bytes())?;
    }

    let out_dir = root.join("dist/remotes").join(name);
    std::fs::create_dir_all(&out_dir)?;
    let js = tools.minify_js(&staging.join(format!("{name}.js")))?;
    let wasm = read(&wasm)?;
    let css = match read(&crate_dir(root, name).join("style.css")) {
        Ok(source) => Some(
            scope_css(name, &String::from_utf8(source).with_context(|| format!("{name}/style.css"))?)?.into_bytes(),
        ),
        Err(_) => None,
    };

    let publish = |bytes: &[u8], suffix: &str| -> Result<String> {
        let file = format!("{name}-{}{suffix}", content_hash(bytes));
        write(&out_dir.join(&file), bytes)?;
        Ok(format!("/remotes/{name}/{file}"))
    };
    Ok(Release {
        version: crate_version(&crate_dir(root, name).join("Cargo.toml"))?,
        contracts_major: contracts::CONTRACTS_MAJOR,
        js: publish(&js, ".js")?,
        wasm: publish(&wasm, "_bg.wasm")?,
        css: css.as_deref().map(|c| publish(c, ".css")).transpose()?,
        // Where the server half runs is a deploy-time fact: whoever starts it writes it in.
        server: None,
        integrity: Integrity { js: integrity(&js), wasm: integrity(&wasm), css: css.as_deref().map(integrity) },
    })
}

/// Wraps a remote's stylesheet in `@scope ([data-remote="<name>"])`, so its rules, whatever they
/// select, apply only inside the remote's own slots: no remote can restyle the shell or another
/// remote. Refuses a stylesheet whose braces do not balance, which could close the scope early.
pub fn scope_css(name: &str, css: &str) -> Result<String> {
    let mut depth = 0i32;
    let mut chars = css.chars().peekable();
    let mut quote = None;
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), '\\') => {
                chars.next();
            }
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '/') if chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
            }
            (None, '{') => depth += 1,
            (None, '}') => {
                depth -= 1;
                if depth < 0 {
                    bail!("{name}/style.css closes a brace it never opened");
                }
            }
            _ => {}
        }
    }
    if depth != 0 || quote.is_some() {
        bail!("{name}/style.css has unbalanced braces or an unterminated string");
    }
    Ok(format!("@scope ([data-remote=\"{name}\"]) {{\n{css}\n}}\n"))
}

/// 16 hex characters of SHA-256: the file name changes whenever the content does.
pub fn content_hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// A Subresource Integrity value.
pub fn integrity(bytes: &[u8]) -> String {
    format!("sha384-{}", base64::engine::general_purpose::STANDARD.encode(Sha384::digest(bytes)))
}

fn crate_version(manifest: &Path) -> Result<String> {
    let text = std::fs::read_to_string(manifest).with_context(|| format!("{}", manifest.display()))?;
    text.lines()
        .find_map(|l| l.trim().strip_prefix("version = \"")?.strip_suffix('"').map(str::to_string))
        .with_context(|| format!("no version in {}", manifest.display()))
}

fn read(path: &PathBuf) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("{}", path.display()))
}

fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("{}", path.display()))
}

/// Every file under `dir` with its SHA-256, by path relative to `dir`.
fn snapshot(dir: &Path) -> Result<std::collections::BTreeMap<PathBuf, String>> {
    fn walk(base: &Path, dir: &Path, out: &mut std::collections::BTreeMap<PathBuf, String>) -> Result<()> {
        for entry in std::fs::read_dir(dir).with_context(|| format!("{}", dir.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                walk(base, &path, out)?;
            } else {
                let bytes = read(&path)?;
                let hash: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
                out.insert(path.strip_prefix(base)?.to_path_buf(), hash);
            }
        }
        Ok(())
    }
    let mut out = std::collections::BTreeMap::new();
    walk(dir, dir, &mut out)?;
    Ok(out)
}

/// Puts a remote's stylesheet back when the check is over, even if it fails half way.
struct Restore(PathBuf, Vec<u8>);

impl Drop for Restore {
    fn drop(&mut self) {
        let _ = std::fs::write(&self.0, &self.1);
    }
}

/// Proves that remotes deploy independently, on the `dist/` a full build just made:
/// 1. rebuilding a remote without changes changes no byte of `dist/` (deterministic builds);
/// 2. rebuilding it after a change adds only its new files and changes only its manifest entry
///    (the old release becomes the fallback); the shell and every other remote stay identical.
pub fn check_independent_rebuild(root: &Path, tools: &Tools) -> Result<()> {
    let remote = "catalog";
    let dist = root.join("dist");
    let before = snapshot(&dist)?;
    let manifest_before = read(&dist.join("remotes.json"))?;

    build_remote(root, tools, remote, Rollout::Everyone)?;
    let same = snapshot(&dist)?;
    if same != before {
        let changed: Vec<_> =
            same.iter().filter(|(p, h)| before.get(*p) != Some(h)).map(|(p, _)| p.display().to_string()).collect();
        bail!("rebuilding {remote} unchanged changed files: {}", changed.join(", "));
    }

    let stylesheet = root.join(format!("remotes/{remote}/style.css"));
    let original = read(&stylesheet)?;
    let restore = Restore(stylesheet.clone(), original.clone());
    let mut changed_css = original.clone();
    changed_css.extend_from_slice(b"\n.catalog-rebuild-check { outline: none; }\n");
    write(&stylesheet, &changed_css)?;
    build_remote(root, tools, remote, Rollout::Everyone)?;
    drop(restore);

    let after = snapshot(&dist)?;
    let own_dir = PathBuf::from("remotes").join(remote);
    for (path, hash) in &before {
        let allowed_to_change = path.to_string_lossy().starts_with("remotes.json");
        if !allowed_to_change && after.get(path) != Some(hash) {
            bail!("rebuilding {remote} changed {}", path.display());
        }
    }
    for path in after.keys().filter(|p| !before.contains_key(*p)) {
        if !path.starts_with(&own_dir) {
            bail!("rebuilding {remote} added {} outside its own directory", path.display());
        }
    }
    let old: RemoteManifest = serde_json::from_slice(&manifest_before)?;
    let new: RemoteManifest = serde_json::from_slice(&read(&dist.join("remotes.json"))?)?;
    for entry in &new.remotes {
        let previous = old.entry(&entry.name).with_context(|| format!("{} appeared in the manifest", entry.name))?;
        if entry.name == remote {
            if entry.release.css == previous.release.css || entry.fallback.as_ref() != Some(&previous.release) {
                bail!("{}'s entry does not name the new stylesheet with the old release as fallback", entry.name);
            }
        } else if entry != previous {
            bail!("rebuilding {remote} changed the entry of {}", entry.name);
        }
    }
    // Back to the source as it is, so the journeys test what is committed (the entry keeps the
    // check's release as its fallback, which is harmless).
    build_remote(root, tools, remote, Rollout::Everyone)?;
    println!("Rebuilding {remote} alone changed only its own files and manifest entry.");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stylesheets_are_scoped_to_their_remote() {
        let scoped = scope_css("cart", ".cart-line { color: red } /* } */ .x::after { content: \"}\" }").unwrap();
        assert!(scoped.starts_with("@scope ([data-remote=\"cart\"]) {"));
        assert!(scoped.trim_end().ends_with('}'));
        for escape in ["} body { background: red } @scope (x) {", ".a { color: red", ".a { content: \"}"] {
            assert!(scope_css("cart", escape).is_err(), "{escape}");
        }
    }

    #[test]
    fn hashes_name_and_protect_content() {
        assert_eq!(content_hash(b"abc"), "ba7816bf8f01cfea");
        assert_eq!(content_hash(b"abc").len(), 16);
        assert_ne!(content_hash(b"abc"), content_hash(b"abd"));
        // The SRI value browsers compute for "abc".
        assert_eq!(integrity(b"abc"), "sha384-ywB1P0WjXou1oD1pmsZQBycsMqsO3tFjGotgWkP/W+2AhgcroefMI1i67KE0yCWn");
    }
}

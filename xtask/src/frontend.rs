//! The front-end build: the shell with trunk, then each remote as its own wasm bundle with
//! content-hashed file names, and the manifest (`dist/remotes.json`) the shell reads at run time.

use std::path::{Path, PathBuf};

use base64::Engine;
use contracts::manifest::{Integrity, RemoteEntry, RemoteManifest};
use contracts::routes::Remote;
use sha2::{Digest, Sha256, Sha384};

use crate::tools::Tools;
use crate::{run, step};

const WASM_TARGET: &str = "wasm32-unknown-unknown";
const PROFILE: &str = "wasm-release";
/// The wasm features rustc emits by default; wasm-bindgen drops the section that would let
/// wasm-opt detect them. The same list is in shell/index.html (`data-wasm-opt-params`).
const WASM_FEATURES: &str = "--enable-bulk-memory --enable-bulk-memory-opt --enable-nontrapping-float-to-int \
     --enable-sign-ext --enable-reference-types --enable-multivalue --enable-mutable-globals";

pub fn build(root: &Path, tools: &Tools) -> Result<(), String> {
    step("Building the shell with trunk (release)");
    // trunk replaces dist/ as a whole, so the remotes are added after it.
    run(tools.command("trunk").current_dir(root).args(["build", "--release"]))?;
    externalize_boot_script(&root.join("dist"))?;

    step("Building the remotes (release wasm)");
    let mut cargo = crate::cargo();
    cargo.args(["build", "--target", WASM_TARGET, "--profile", PROFILE]);
    for remote in Remote::ALL {
        cargo.args(["-p", remote.name()]);
    }
    run(&mut cargo)?;

    let mut manifest = RemoteManifest { remotes: Vec::new() };
    for remote in Remote::ALL {
        step(&format!("Packaging remote {}", remote.name()));
        manifest.remotes.push(package_remote(root, tools, remote)?);
    }
    let json = serde_json::to_string_pretty(&manifest).map_err(|e| e.to_string())?;
    write(&root.join("dist/remotes.json"), json.as_bytes())?;

    step("Pre-compressing (brotli and gzip)");
    precompress(&root.join("dist"))
}

/// Writes `<file>.br` and `<file>.gz` next to every text and wasm file, so the server sends
/// compressed bytes without compressing per request.
pub fn precompress(dir: &Path) -> Result<(), String> {
    for entry in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            precompress(&path)?;
            continue;
        }
        let compressible = matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("js" | "wasm" | "css" | "html" | "json" | "svg")
        );
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

/// Moves the module script trunk inlines into `index.html` to its own content-hashed file, so
/// the Content-Security-Policy can say `script-src 'self'` without `'unsafe-inline'`.
fn externalize_boot_script(dist: &Path) -> Result<(), String> {
    let index = dist.join("index.html");
    let html = String::from_utf8(read(&index)?).map_err(|e| e.to_string())?;
    const OPEN: &str = "<script type=\"module\">";
    let Some(start) = html.find(OPEN) else { return Ok(()) };
    let end = html[start..].find("</script>").map(|e| start + e).ok_or("unterminated script in index.html")?;
    let code = html[start + OPEN.len()..end].trim().to_string() + "\n";
    let file = format!("boot-{}.js", content_hash(code.as_bytes()));
    write(&dist.join(&file), code.as_bytes())?;
    let tag = format!(
        r#"<script type="module" src="/{file}" integrity="{}" crossorigin="anonymous"></script>"#,
        integrity(code.as_bytes())
    );
    let html = format!("{}{tag}{}", &html[..start], &html[end + "</script>".len()..]);
    write(&index, html.as_bytes())
}

/// wasm-bindgen (`--target web`), wasm-opt, then copy into `dist/remotes/<name>/` under
/// content-hashed names.
fn package_remote(root: &Path, tools: &Tools, remote: Remote) -> Result<RemoteEntry, String> {
    let name = remote.name();
    let crate_file = name.replace('-', "_");
    let wasm_in = root.join(format!("target/{WASM_TARGET}/{PROFILE}/{crate_file}.wasm"));
    let staging = root.join("target/remotes").join(name);
    let _ = std::fs::remove_dir_all(&staging);
    run(tools
        .command("wasm-bindgen")
        .args(["--target", "web", "--no-typescript", "--out-name", name, "--out-dir"])
        .arg(&staging)
        .arg(&wasm_in))?;
    let wasm = staging.join(format!("{name}_bg.wasm"));
    run(tools
        .command("wasm-opt")
        .arg("-Oz")
        .args(WASM_FEATURES.split_whitespace())
        .arg("-o")
        .arg(&wasm)
        .arg(&wasm))?;

    let out_dir = root.join("dist/remotes").join(name);
    std::fs::create_dir_all(&out_dir).map_err(|e| e.to_string())?;
    let js = read(&staging.join(format!("{name}.js")))?;
    let wasm = read(&wasm)?;
    let css = read(&root.join(format!("remotes/{name}/style.css"))).ok();

    let publish = |bytes: &[u8], suffix: &str| -> Result<String, String> {
        let file = format!("{name}-{}{suffix}", content_hash(bytes));
        write(&out_dir.join(&file), bytes)?;
        Ok(format!("/remotes/{name}/{file}"))
    };
    Ok(RemoteEntry {
        name: name.to_string(),
        version: crate_version(&root.join(format!("remotes/{name}/Cargo.toml")))?,
        contracts_major: contracts::CONTRACTS_MAJOR,
        js: publish(&js, ".js")?,
        wasm: publish(&wasm, "_bg.wasm")?,
        css: css.as_deref().map(|c| publish(c, ".css")).transpose()?,
        integrity: Integrity {
            js: integrity(&js),
            wasm: integrity(&wasm),
            css: css.as_deref().map(integrity),
        },
    })
}

/// 16 hex characters of SHA-256: the file name changes whenever the content does.
pub fn content_hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// A Subresource Integrity value.
pub fn integrity(bytes: &[u8]) -> String {
    format!("sha384-{}", base64::engine::general_purpose::STANDARD.encode(Sha384::digest(bytes)))
}

fn crate_version(manifest: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(manifest).map_err(|e| format!("{}: {e}", manifest.display()))?;
    text.lines()
        .find_map(|l| l.trim().strip_prefix("version = \"")?.strip_suffix('"').map(str::to_string))
        .ok_or_else(|| format!("no version in {}", manifest.display()))
}

fn read(path: &PathBuf) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_name_and_protect_content() {
        assert_eq!(content_hash(b"abc"), "ba7816bf8f01cfea");
        assert_eq!(content_hash(b"abc").len(), 16);
        assert_ne!(content_hash(b"abc"), content_hash(b"abd"));
        // The SRI value browsers compute for "abc".
        assert_eq!(integrity(b"abc"), "sha384-ywB1P0WjXou1oD1pmsZQBycsMqsO3tFjGotgWkP/W+2AhgcroefMI1i67KE0yCWn");
    }
}

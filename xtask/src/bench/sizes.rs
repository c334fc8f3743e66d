//! The bundles' sizes, raw, gzip and brotli, against their budgets.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::{row, Row, KB};
use crate::frontend::{brotli, gzip};
use crate::step;

/// Raw, gzip and brotli size of every bundle.
pub(super) fn sizes(dist: &Path) -> Result<Vec<Row>> {
    step("Bundle sizes");
    let mut rows = Vec::new();
    let mut bundles: Vec<(String, Vec<PathBuf>)> = vec![("shell".into(), files_in(dist, &["js", "wasm", "css"])?)];
    let manifest: contracts::manifest::RemoteManifest =
        serde_json::from_slice(&std::fs::read(dist.join("remotes.json"))?)?;
    for remote in &manifest.remotes {
        let files = [Some(&remote.release.js), Some(&remote.release.wasm), remote.release.css.as_ref()]
            .into_iter()
            .flatten()
            .map(|url| dist.join(url.trim_start_matches('/')))
            .collect();
        bundles.push((format!("{}@{}", remote.name, remote.release.version), files));
    }
    for (name, files) in bundles {
        for file in files {
            let bytes = std::fs::read(&file).with_context(|| format!("{}", file.display()))?;
            let mut kind = file.extension().and_then(|e| e.to_str()).unwrap_or_default().to_string();
            if file.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("boot-")) {
                kind = format!("boot {kind}");
            }
            let gz = gzip(&bytes).len() as f64 / KB;
            let br = brotli(&bytes).len() as f64 / KB;
            let mut r = row("size", format!("{name} {kind}"), gz, "KB gz")
                .detail(format!("raw {:.1} KB, br {br:.1} KB", bytes.len() as f64 / KB));
            let bundle = name.split('@').next().unwrap_or_default();
            if let Some(limit) = wasm_budget(bundle).filter(|_| kind == "wasm") {
                r = r.at_most(limit, format!("≤ {limit} KB gz"));
            }
            if kind == "js" && bundle != "inspector" {
                r = r.at_most(6.0, "≤ 6 KB gz");
            }
            rows.push(r);
        }
    }
    Ok(rows)
}

/// The gzip budget of a bundle's wasm, in KB: the shell and the header fragment are on every
/// page; the event inspector loads only when asked for, so it has none.
fn wasm_budget(bundle: &str) -> Option<f64> {
    match bundle {
        "shell" => Some(80.0),
        "cart-summary" => Some(35.0),
        // A fragment placed in a page, loaded when it comes near the screen.
        "recommendations" => Some(40.0),
        "inspector" => None,
        _ => Some(70.0),
    }
}

fn files_in(dir: &Path, exts: &[&str]) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().and_then(|e| e.to_str()).is_some_and(|e| exts.contains(&e)))
        .collect();
    files.sort();
    Ok(files)
}

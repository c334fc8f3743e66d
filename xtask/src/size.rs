//! `cargo xtask size`: where the bytes of each bundle go. Builds every bundle once more with its
//! symbol names kept (the release build strips them), packages it as the release is packaged, and
//! prints, per bundle, its size and its biggest contributors as twiggy sees them: by crate (the
//! bundle's own code counts every generic it instantiates, e.g. a serde decoder of its types) and
//! by function.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result};

use crate::frontend::{gzip, remotes, WASM_FEATURES};
use crate::tools::Tools;
use crate::{run, step};

/// Lines per table.
const TOP: usize = 12;

pub fn size(root: &Path) -> Result<()> {
    let tools = crate::tools::ensure_build_tools(root)?;
    crate::tools::ensure_twiggy()?;
    let mut bundles = vec![(
        "shell".to_string(),
        vec!["-p", "shell", "--bin", "shell"].into_iter().map(String::from).collect::<Vec<_>>(),
    )];
    for remote in remotes(root)? {
        bundles.push((remote.name.clone(), vec!["-p".into(), remote.name.clone(), "--lib".into()]));
    }
    let out = crate::target_dir(root).join("size");
    for (name, selection) in &bundles {
        step(&format!("{name}: built with its names"));
        let mut cargo = crate::cargo_in(root);
        cargo
            .args(["build", "--target", "wasm32-unknown-unknown", "--profile", "wasm-release"])
            .args(selection)
            // The one difference from the release build: names stay, for twiggy to show.
            .env("CARGO_PROFILE_WASM_RELEASE_STRIP", "false");
        run(tools.release_wasm(&mut cargo))?;
        let named = package(root, &tools, name, &out)?;
        report(name, &named)?;
    }
    Ok(())
}

/// wasm-bindgen and wasm-opt as the release does, keeping the names (`-g`).
fn package(root: &Path, tools: &Tools, name: &str, out: &Path) -> Result<std::path::PathBuf> {
    let file = name.replace('-', "_");
    let wasm = crate::target_dir(root).join(format!("wasm32-unknown-unknown/wasm-release/{file}.wasm"));
    let dir = out.join(name);
    run(tools
        .command("wasm-bindgen")
        .args(["--target", "web", "--no-typescript", "--out-name", name, "--out-dir"])
        .arg(&dir)
        .arg(&wasm))?;
    let named = dir.join(format!("{name}.named.wasm"));
    let bound = dir.join(format!("{name}_bg.wasm"));
    run(tools
        .command("wasm-opt")
        .args(["-Oz", "-g"])
        .args(WASM_FEATURES.split_whitespace())
        .arg("-o")
        .arg(&named)
        .arg(&bound))?;
    // The same without names: the size the release ships.
    run(tools.command("wasm-opt").arg("-Oz").args(WASM_FEATURES.split_whitespace()).arg("-o").arg(&bound).arg(&bound))?;
    Ok(named)
}

fn report(name: &str, named: &Path) -> Result<()> {
    let shipped = std::fs::read(named.with_file_name(format!("{name}_bg.wasm")))?;
    let csv = std::process::Command::new("twiggy")
        .args(["top", "-n", "1000000", "--format", "csv"])
        .arg(named)
        .output()
        .context("twiggy")?;
    let items = parse(&String::from_utf8_lossy(&csv.stdout));
    let code: u64 = items.iter().map(|(_, size)| size).sum();
    let app = name.replace('-', "_");
    let mut by_crate: HashMap<String, u64> = HashMap::new();
    for (item, size) in &items {
        *by_crate.entry(owner(item, &app)).or_default() += size;
    }
    let mut crates: Vec<_> = by_crate.into_iter().collect();
    crates.sort_by_key(|c| std::cmp::Reverse(c.1));
    println!(
        "\n{name}: {:.1} KB raw, {:.1} KB gzip shipped; {:.1} KB of code and data by item",
        shipped.len() as f64 / 1024.0,
        gzip(&shipped).len() as f64 / 1024.0,
        code as f64 / 1024.0
    );
    println!("  by crate (generics count where they were instantiated):");
    for (owner, size) in crates.iter().take(TOP) {
        println!("    {:>8.1} KB {:>5.1} %  {owner}", *size as f64 / 1024.0, 100.0 * *size as f64 / code as f64);
    }
    println!("  biggest items:");
    for (item, size) in items.iter().take(TOP) {
        let shown: String = item.chars().take(110).collect();
        println!("    {:>8.1} KB  {shown}", *size as f64 / 1024.0);
    }
    Ok(())
}

/// twiggy's CSV (`Name,ShallowSize,...`) as (name, bytes), biggest first, without the names
/// section itself (it is not shipped).
fn parse(csv: &str) -> Vec<(String, u64)> {
    let mut items: Vec<(String, u64)> = csv
        .lines()
        .skip(1)
        .filter_map(|line| {
            let (name, rest) = if let Some(quoted) = line.strip_prefix('"') {
                // A quoted field ends at a quote not followed by another one.
                let mut end = None;
                let bytes = quoted.as_bytes();
                let mut i = 0;
                while i < bytes.len() {
                    if bytes[i] == b'"' {
                        if bytes.get(i + 1) == Some(&b'"') {
                            i += 2;
                            continue;
                        }
                        end = Some(i);
                        break;
                    }
                    i += 1;
                }
                let end = end?;
                (quoted[..end].replace("\"\"", "\""), quoted[end + 1..].strip_prefix(',')?)
            } else {
                let (name, rest) = line.split_once(',')?;
                (name.to_string(), rest)
            };
            let size = rest.split(',').next()?.parse().ok()?;
            Some((name, size))
        })
        .filter(|(name, _)| {
            !name.contains("\"function names\" subsection") && !name.contains("\"data names\" subsection")
        })
        .collect();
    items.sort_by_key(|i| std::cmp::Reverse(i.1));
    items
}

/// The crate an item belongs to: the bundle's own crate when its name appears anywhere in it
/// (a generic instantiated for the bundle's types is the bundle's cost), else the first crate
/// named, else what kind of item it is.
fn owner(item: &str, app: &str) -> String {
    if item.contains(&format!("{app}[")) {
        return format!("{app} (own code and its generics)");
    }
    let first_crate = item
        .find('[')
        .map(|i| &item[..i])
        .map(|prefix| prefix.rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).next().unwrap_or_default());
    match first_crate {
        Some(krate) if !krate.is_empty() => krate.to_string(),
        _ if item.starts_with("data segment") => "data (strings, tables)".into(),
        _ => "other (glue, shims, unnamed code)".into(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_twiggy_csv_and_names_owners() {
        let csv = "Name,ShallowSize,ShallowSizePercent,RetainedSize,RetainedSizePercent\n\
                   \"\"\"function names\"\" subsection\",500,50,,\n\
                   \"serde_json[1a]::de::from_str::<catalog[2b]::api::Page>\",300,30,,\n\
                   core[3c]::fmt::write,120,12,,\n\
                   \"data segment \"\".rodata\"\"\",80,8,,\n";
        let items = super::parse(csv);
        assert_eq!(items.iter().map(|(_, s)| s).sum::<u64>(), 500);
        assert_eq!(super::owner(&items[0].0, "catalog"), "catalog (own code and its generics)");
        assert_eq!(super::owner(&items[1].0, "catalog"), "core");
        assert_eq!(super::owner(&items[2].0, "catalog"), "data (strings, tables)");
    }
}

//! The dependency rules that keep the micro frontends independent, checked on `cargo metadata`:
//! a remote depends on `contracts` (and third-party crates) only, the shell links no remote,
//! and `cart-api` depends on no front-end crate. Inside each crate, no two modules import each
//! other ([`crate::cycles`]).

use std::path::Path;

use anyhow::{anyhow, Result};

use crate::cycles;

/// What a workspace crate is, from where it lives.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Remote(String),
    Shell,
    CartApi,
    Other,
}

fn part(relative_dir: &str) -> Part {
    let mut segments = relative_dir.split('/');
    match (segments.next(), segments.next()) {
        (Some("remotes"), Some(name)) => Part::Remote(name.to_string()),
        (Some("shell"), _) => Part::Shell,
        (Some("cart-api"), _) => Part::CartApi,
        _ => Part::Other,
    }
}

/// The broken rules, one sentence each.
fn violations(crates: &[(String, Part, Vec<String>)]) -> Vec<String> {
    let part_of = |name: &str| crates.iter().find(|(n, _, _)| n == name).map(|(_, p, _)| p.clone());
    let mut found = Vec::new();
    for (name, part, deps) in crates {
        for dep in deps {
            let Some(dep_part) = part_of(dep) else { continue };
            let bad = match (part, &dep_part) {
                (Part::Remote(a), Part::Remote(b)) => a != b,
                (Part::Remote(_), Part::Shell) => true,
                (Part::Shell, Part::Remote(_)) => true,
                (Part::CartApi, Part::Remote(_) | Part::Shell) => true,
                _ => false,
            };
            if bad {
                found.push(format!(
                    "{name} depends on {dep}: remotes talk only through the URL, DOM events and the cart API"
                ));
            }
        }
    }
    found
}

pub fn check(root: &Path) -> Result<()> {
    let metadata = crate::metadata(root)?;
    let mut sources = Vec::new();
    let crates: Vec<_> = metadata
        .packages
        .into_iter()
        .map(|p| {
            let manifest_dir = p.manifest_path.parent().map(|d| d.as_std_path().to_path_buf()).unwrap_or_default();
            let dir = manifest_dir
                .strip_prefix(metadata.workspace_root.as_std_path())
                .map(|d| d.to_string_lossy().replace('\\', "/"))
                .unwrap_or_default();
            sources.push((p.name.clone(), manifest_dir.join("src")));
            let deps = p
                .dependencies
                .into_iter()
                .filter(|d| d.kind == cargo_metadata::DependencyKind::Normal)
                .map(|d| d.name)
                .collect();
            (p.name, part(&dir), deps)
        })
        .collect();
    let mut found = violations(&crates);
    for (name, src) in &sources {
        if src.is_dir() {
            found.extend(cycles::cycles(name, src)?);
        }
    }
    if found.is_empty() {
        println!(
            "Boundaries hold: {} crates, no remote depends on another remote or the shell, no modules import each other.",
            crates.len()
        );
        Ok(())
    } else {
        Err(anyhow!("boundary rules broken:\n  {}", found.join("\n  ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn krate(name: &str, dir: &str, deps: &[&str]) -> (String, Part, Vec<String>) {
        (name.into(), part(dir), deps.iter().map(|d| d.to_string()).collect())
    }

    #[test]
    fn catches_every_forbidden_edge() {
        let ok = [
            krate("contracts", "contracts", &["serde"]),
            krate("cart", "remotes/cart", &["contracts", "leptos"]),
            krate("checkout", "remotes/checkout", &["contracts"]),
            krate("shell", "shell", &["contracts", "leptos_router"]),
            krate("cart-api", "cart-api", &["contracts", "axum"]),
        ];
        assert!(violations(&ok).is_empty());

        for (bad, edge) in [
            (krate("checkout", "remotes/checkout", &["cart"]), "remote -> remote"),
            (krate("checkout", "remotes/checkout", &["shell"]), "remote -> shell"),
            (krate("shell", "shell", &["cart"]), "shell -> remote"),
            (krate("cart-api", "cart-api", &["shell"]), "api -> shell"),
        ] {
            let mut crates = ok.to_vec();
            crates.retain(|(n, _, _)| n != &bad.0);
            crates.push(bad);
            assert_eq!(violations(&crates).len(), 1, "{edge} not caught");
        }
    }
}

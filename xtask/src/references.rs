//! Every path the documentation points a reader to exists.
//!
//! The store is read as much as it is run: the README's tables, the docs' patterns and ADRs, and
//! the inspector's guided tours send a reader to files of the tree. A file moved or split (as
//! `contracts/src/events.rs` once became a folder) leaves those pointers dangling, and nothing
//! else would notice. Checked on the text, so it needs no build, and run with the boundaries.
//!
//! - Markdown: every relative link target (`[text](path)`, fragment dropped) of `README.md`, of
//!   each crate's README and of everything under `docs/`, outside fenced code.
//! - The tours: every `file: "…"` and `doc: "…"` of the inspector's tour steps, from the root.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context, Result};

/// The source of the inspector's tours, whose steps name a file and a docs page each.
const TOURS: &str = "shell/inspector/src/tour.rs";

/// Checks every reference from the root `root`; one line per dangling one in the error.
pub fn check(root: &Path) -> Result<()> {
    let mut documents = vec![root.join("README.md")];
    markdown_under(&root.join("docs"), &mut documents)?;
    for dir in ["contracts", "cart-api", "shell", "e2e", "xtask", "remotes"] {
        let dir = root.join(dir);
        documents.push(dir.join("README.md"));
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            documents.push(entry.path().join("README.md"));
        }
    }
    documents.retain(|d| d.is_file());

    let mut dangling = Vec::new();
    let mut count = 0;
    for document in &documents {
        let text = std::fs::read_to_string(document).with_context(|| format!("{}", document.display()))?;
        let base = document.parent().unwrap_or(root);
        for (line, target) in markdown_links(&text) {
            count += 1;
            if !base.join(&target).exists() {
                dangling.push(format!("{}:{line}: no {target}", relative(root, document)));
            }
        }
    }
    let tours = root.join(TOURS);
    let text = std::fs::read_to_string(&tours).context(TOURS)?;
    for (line, target) in tour_paths(&text) {
        count += 1;
        if !root.join(&target).exists() {
            dangling.push(format!("{TOURS}:{line}: no {target}"));
        }
    }

    if dangling.is_empty() {
        println!("References hold: {count} paths named by {} documents and the tours exist.", documents.len());
        Ok(())
    } else {
        Err(anyhow!("paths the documentation names do not exist:\n  {}", dangling.join("\n  ")))
    }
}

fn markdown_under(dir: &Path, found: &mut Vec<PathBuf>) -> Result<()> {
    let entries = std::fs::read_dir(dir).with_context(|| format!("{}", dir.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            markdown_under(&path, found)?;
        } else if path.extension().is_some_and(|e| e == "md") {
            found.push(path);
        }
    }
    Ok(())
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).display().to_string()
}

/// The relative link targets of a markdown text with their line numbers: no URLs, no anchors
/// within the page, nothing in fenced code or inline code.
fn markdown_links(text: &str) -> Vec<(usize, String)> {
    let mut links = Vec::new();
    let mut fenced = false;
    for (number, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let line = without_inline_code(line);
        let mut rest = line.as_str();
        while let Some(at) = rest.find("](") {
            rest = &rest[at + 2..];
            let Some(end) = rest.find(')') else { break };
            let target = rest[..end].split_whitespace().next().unwrap_or_default();
            let path = target.split('#').next().unwrap_or_default();
            let external = target.contains("://") || target.starts_with("mailto:");
            if !path.is_empty() && !external {
                links.push((number + 1, path.to_string()));
            }
            rest = &rest[end..];
        }
    }
    links
}

/// `line` with every `` `…` `` span blanked, so code that looks like a link is not one.
fn without_inline_code(line: &str) -> String {
    line.split('`').enumerate().map(|(i, part)| if i % 2 == 0 { part } else { "" }).collect::<Vec<_>>().join("`")
}

/// The `file: "…"` and `doc: "…"` string literals of the tours' source, with line numbers.
fn tour_paths(text: &str) -> Vec<(usize, String)> {
    text.lines()
        .enumerate()
        .filter_map(|(number, line)| {
            let line = line.trim();
            let value = line.strip_prefix("file: \"").or_else(|| line.strip_prefix("doc: \""))?;
            Some((number + 1, value.split('"').next()?.to_string()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_relative_links_outside_code() {
        let text = "See [the ADR](docs/adr/0001.md#why) and [axum](https://docs.rs/axum).\n\
                    [top](#top) `[not](a-link.md)`\n\
                    ```\n[also not](code.md)\n```\n\
                    Two: [a](a.md), [b](../b.rs \"title\")";
        assert_eq!(
            markdown_links(text),
            vec![(1, "docs/adr/0001.md".into()), (6, "a.md".into()), (6, "../b.rs".into())]
        );
    }

    #[test]
    fn finds_the_paths_of_tour_steps() {
        let text =
            "    Step {\n        file: \"shell/src/composition.rs\",\n        doc: \"docs/patterns/x.md\",\n    },\n\
                    struct Step { file: &'static str }";
        assert_eq!(tour_paths(text), vec![(2, "shell/src/composition.rs".into()), (3, "docs/patterns/x.md".into())]);
    }
}

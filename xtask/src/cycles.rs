//! No two modules of one crate import each other.
//!
//! A cycle between modules is how a crate stops having layers: once `db` calls into `domain` and
//! `domain` into `db`, neither can be read, tested or moved alone. The rule is checked on the
//! source text, so it needs no build: every path that starts with `crate::` or `super::` (in a
//! `use` or in code, brace groups included) is an edge from the file's module to the deepest module
//! it names. Edges are compared between siblings: `domain::orders` using `domain::checkout` is an
//! edge `orders → checkout` inside `domain`; `session` using `domain::new_id` is `session → domain`
//! at the crate's top. A child using its parent's own items (or the parent its children) is one unit
//! and not an edge, and the crate root, where the modules are declared and wired, is left out.
//! Comments, strings and `#[cfg(test)]` items are skipped: tests may reach anywhere.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Context, Result};

/// A module as its path from the crate root (`["domain", "cart"]`); the root is `[]`.
type ModPath = Vec<String>;

/// One reference from a file to another module: where it is and what it names.
#[derive(Debug, Clone)]
struct Use {
    file: String,
    line: usize,
    path: String,
}

/// The cycles of the crate whose sources are under `src`, one sentence each; `name` prefixes them.
pub fn cycles(name: &str, src: &Path) -> Result<Vec<String>> {
    let files = sources(src)?;
    let known: BTreeSet<ModPath> = files.iter().map(|(m, _, _)| m.clone()).collect();
    // level -> (from child -> to child -> first reference seen)
    let mut levels: BTreeMap<ModPath, BTreeMap<String, BTreeMap<String, Use>>> = BTreeMap::new();
    for (module, file, text) in &files {
        if module.is_empty() {
            continue;
        }
        for (target, line) in references(module, text) {
            let Some(target_module) = deepest_known(&target, &known) else { continue };
            if target_module.starts_with(module) || module.starts_with(&target_module) {
                continue;
            }
            let common = module.iter().zip(&target_module).take_while(|(a, b)| a == b).count();
            let edge = Use { file: file.clone(), line, path: format!("crate::{}", target.join("::")) };
            levels
                .entry(module[..common].to_vec())
                .or_default()
                .entry(module[common].clone())
                .or_default()
                .entry(target_module[common].clone())
                .or_insert(edge);
        }
    }
    let mut found = Vec::new();
    for (level, graph) in &levels {
        for component in strongly_connected(graph) {
            let qualified =
                |child: &str| level.iter().map(String::as_str).chain([child]).collect::<Vec<_>>().join("::");
            let members: Vec<_> = component.iter().map(|m| format!("`{}`", qualified(m))).collect();
            let mut evidence = Vec::new();
            for from in &component {
                for (to, edge) in &graph[from] {
                    if component.contains(to) {
                        evidence.push(format!("{}:{} uses {}", edge.file, edge.line, edge.path));
                    }
                }
            }
            found.push(format!("{name}: modules {} import each other ({})", members.join(", "), evidence.join("; ")));
        }
    }
    Ok(found)
}

/// Every module file under `src` with its module path, its path for messages and its text.
/// The crate root is `lib.rs`, or `main.rs` when there is no library; `src/bin` holds other crates.
fn sources(src: &Path) -> Result<Vec<(ModPath, String, String)>> {
    let root = if src.join("lib.rs").exists() { "lib.rs" } else { "main.rs" };
    let mut out = Vec::new();
    let mut pending = vec![src.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = std::fs::read_dir(&dir).with_context(|| format!("{}", dir.display()))?;
        for entry in entries {
            let path = entry.with_context(|| format!("{}", dir.display()))?.path();
            let Ok(relative) = path.strip_prefix(src) else { continue };
            let relative = relative.to_string_lossy().replace('\\', "/");
            if path.is_dir() {
                if relative != "bin" {
                    pending.push(path);
                }
                continue;
            }
            let Some(stem) = relative.strip_suffix(".rs") else { continue };
            if !relative.contains('/') && (relative == "lib.rs" || relative == "main.rs") && relative != root {
                continue;
            }
            let mut module: ModPath = stem.split('/').map(str::to_string).collect();
            if module.last().is_some_and(|last| last == "mod") || relative == root {
                module.pop();
            }
            let text = std::fs::read_to_string(&path).with_context(|| format!("{}", path.display()))?;
            out.push((module, relative, text));
        }
    }
    out.sort();
    Ok(out)
}

fn deepest_known(path: &[String], known: &BTreeSet<ModPath>) -> Option<ModPath> {
    (1..=path.len()).rev().map(|n| path[..n].to_vec()).find(|prefix| known.contains(prefix))
}

/// The absolute paths (`["db", "begin_write"]`) that the code of `module` names through `crate::`
/// or `super::`, with their lines.
fn references(module: &[String], text: &str) -> Vec<(ModPath, usize)> {
    let code = without_tests(&code_only(text));
    let bytes = code.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts_word = i == 0 || !(is_ident(bytes[i - 1]) || bytes[i - 1] == b'$' || bytes[i - 1] == b':');
        let base: Option<(ModPath, usize)> = if !starts_word {
            None
        } else if code[i..].starts_with("crate::") {
            Some((Vec::new(), i + "crate::".len()))
        } else if code[i..].starts_with("super::") {
            let mut base = module.to_vec();
            let mut j = i;
            while code[j..].starts_with("super::") {
                base.pop();
                j += "super::".len();
            }
            Some((base, j))
        } else {
            None
        };
        match base {
            Some((base, mut j)) => {
                let line = 1 + bytes[..i].iter().filter(|&&b| b == b'\n').count();
                let mut paths = Vec::new();
                use_tree(bytes, &mut j, &base, &mut paths);
                out.extend(paths.into_iter().map(|p| (p, line)));
                i = j.max(i + 1);
            }
            None => i += 1,
        }
    }
    out
}

/// Reads one use tree (`db::begin_write`, `{db, domain::{cart, now_millis}}`, `x::*`) at `i`.
fn use_tree(s: &[u8], i: &mut usize, prefix: &[String], out: &mut Vec<ModPath>) {
    skip_space(s, i);
    if s.get(*i) == Some(&b'{') {
        *i += 1;
        loop {
            skip_space(s, i);
            match s.get(*i) {
                None => return,
                Some(b'}') => {
                    *i += 1;
                    return;
                }
                Some(b',') => *i += 1,
                Some(_) => {
                    let before = *i;
                    use_tree(s, i, prefix, out);
                    if *i == before {
                        *i += 1;
                    }
                }
            }
        }
    }
    let start = *i;
    while *i < s.len() && is_ident(s[*i]) {
        *i += 1;
    }
    let ident = String::from_utf8_lossy(&s[start..*i]).into_owned();
    if ident.is_empty() || ident == "self" {
        out.push(prefix.to_vec());
        return;
    }
    let mut path = prefix.to_vec();
    path.push(ident);
    if s[*i..].starts_with(b"::") {
        *i += 2;
        use_tree(s, i, &path, out);
    } else {
        out.push(path);
    }
}

fn skip_space(s: &[u8], i: &mut usize) {
    while *i < s.len() && s[*i].is_ascii_whitespace() {
        *i += 1;
    }
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The text with comments, strings and character literals blanked out, lines kept.
fn code_only(text: &str) -> String {
    let s = text.as_bytes();
    let mut out = Vec::with_capacity(s.len());
    let blank =
        |out: &mut Vec<u8>, part: &[u8]| out.extend(part.iter().map(|&b| if b == b'\n' { b'\n' } else { b' ' }));
    let mut i = 0;
    while i < s.len() {
        let rest = &s[i..];
        let end = if rest.starts_with(b"//") {
            i + rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len())
        } else if rest.starts_with(b"/*") {
            let mut depth = 0;
            let mut j = i;
            while j < s.len() {
                if s[j..].starts_with(b"/*") {
                    depth += 1;
                    j += 2;
                } else if s[j..].starts_with(b"*/") {
                    depth -= 1;
                    j += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    j += 1;
                }
            }
            j
        } else if rest[0] == b'r'
            && (rest.get(1) == Some(&b'"') || rest.get(1) == Some(&b'#'))
            && (i == 0 || !is_ident(s[i - 1]))
        {
            let hashes = rest[1..].iter().take_while(|&&b| b == b'#').count();
            if rest.get(1 + hashes) != Some(&b'"') {
                out.push(s[i]);
                i += 1;
                continue;
            }
            let close: Vec<u8> = std::iter::once(b'"').chain(std::iter::repeat_n(b'#', hashes)).collect();
            let body = i + 2 + hashes;
            body + s[body..]
                .windows(close.len())
                .position(|w| w == close.as_slice())
                .map_or(s.len() - body, |p| p + close.len())
        } else if rest[0] == b'"' {
            let mut j = i + 1;
            while j < s.len() && s[j] != b'"' {
                j += if s[j] == b'\\' { 2 } else { 1 };
            }
            (j + 1).min(s.len())
        } else if rest[0] == b'\'' {
            // A character literal ('x', '\n', '"'); anything else is a lifetime.
            let len = if rest.get(1) == Some(&b'\\') {
                rest.iter().skip(2).position(|&b| b == b'\'').map(|p| p + 3)
            } else {
                // `'` is ASCII, so `i` is on a character boundary of `text`.
                text[i + 1..].chars().next().and_then(|c| {
                    let after = 1 + c.len_utf8();
                    (rest.get(after) == Some(&b'\'')).then_some(after + 1)
                })
            };
            match len {
                Some(len) => i + len,
                None => {
                    out.push(s[i]);
                    i += 1;
                    continue;
                }
            }
        } else {
            out.push(s[i]);
            i += 1;
            continue;
        };
        let end = end.min(s.len());
        blank(&mut out, &s[i..end]);
        i = end;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The code without the items marked `#[cfg(test)]` (a test module, a test-only function or use).
fn without_tests(code: &str) -> String {
    const MARK: &str = "#[cfg(test)]";
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(at) = rest.find(MARK) {
        out.push_str(&rest[..at]);
        let item = &rest[at..];
        let bytes = item.as_bytes();
        let mut end = item.len();
        if let Some(open) = item[MARK.len()..].find(['{', ';']).map(|p| p + MARK.len()) {
            end = open + 1;
            if bytes[open] == b'{' {
                let mut depth = 0;
                for (k, &b) in bytes.iter().enumerate().skip(open) {
                    match b {
                        b'{' => depth += 1,
                        b'}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = k + 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        out.extend(item[..end].chars().map(|c| if c == '\n' { '\n' } else { ' ' }));
        rest = &item[end..];
    }
    out.push_str(rest);
    out
}

/// The groups of more than one node that reach each other (the graphs are a handful of modules).
fn strongly_connected(graph: &BTreeMap<String, BTreeMap<String, Use>>) -> Vec<BTreeSet<String>> {
    let reach = |from: &String| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.clone()];
        while let Some(node) = stack.pop() {
            for next in graph.get(&node).into_iter().flat_map(|edges| edges.keys()) {
                if seen.insert(next.clone()) {
                    stack.push(next.clone());
                }
            }
        }
        seen
    };
    let reachable: BTreeMap<&String, BTreeSet<String>> = graph.keys().map(|n| (n, reach(n))).collect();
    let mut components: Vec<BTreeSet<String>> = Vec::new();
    for node in graph.keys() {
        if components.iter().any(|c| c.contains(node)) || !reachable[node].contains(node) {
            continue;
        }
        let component: BTreeSet<String> = reachable[node]
            .iter()
            .filter(|other| reachable.get(other).is_some_and(|back| back.contains(node)))
            .cloned()
            .collect();
        components.push(component);
    }
    components
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(path: &str) -> ModPath {
        path.split("::").filter(|s| !s.is_empty()).map(str::to_string).collect()
    }

    fn named(module_path: &str, text: &str) -> Vec<String> {
        references(&module(module_path), text).into_iter().map(|(p, _)| p.join("::")).collect()
    }

    #[test]
    fn reads_paths_groups_and_relative_paths() {
        let text = "use crate::{db, domain::{cart::{self, Cart}, now_millis}};\n\
                    use super::idempotency::*;\n\
                    fn f() { crate::db::begin_write(&x); super::super::error::ApiError::Bad; $crate::nope; }\n";
        assert_eq!(
            named("domain::orders", text),
            [
                "db",
                "domain::cart",
                "domain::cart::Cart",
                "domain::now_millis",
                "domain::idempotency",
                "db::begin_write",
                "error::ApiError::Bad"
            ]
        );
    }

    #[test]
    fn skips_comments_strings_and_tests() {
        let text = "/// See [`crate::db::x`].\n\
                    // crate::a\n\
                    /* crate::b /* nested */ crate::c */\n\
                    const S: &str = \"crate::d \\\" crate::e\"; const R: &str = r#\"crate::f\"#;\n\
                    const Q: char = '\"'; fn g<'a>(x: &'a str) { crate::kept::y(x) }\n\
                    #[cfg(test)]\nmod tests { use crate::tested::z; fn h() { if true { crate::deep::w } } }\n\
                    fn after() { crate::after::v }\n";
        assert_eq!(named("m", text), ["kept::y", "after::v"]);
    }

    fn crate_with(files: &[(&str, &str)]) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-cycles-{}-{}", std::process::id(), files.len()));
        let _ = std::fs::remove_dir_all(&dir);
        for (path, text) in files {
            let path = dir.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    #[test]
    fn finds_cycles_between_siblings_at_any_depth_and_nothing_else() {
        let src = crate_with(&[
            ("lib.rs", "mod db; mod domain; mod session; use crate::db::x; pub struct AppState;"),
            ("main.rs", "use crate::domain::y;"),
            ("db.rs", "use crate::AppState; use crate::domain::identity::seed;"),
            ("session.rs", "use crate::db::pool;"),
            ("domain/mod.rs", "pub mod cart; pub mod checkout; pub mod orders; pub fn now() {} pub use cart::Cart;"),
            ("domain/cart.rs", "use super::now; use crate::db::begin;"),
            ("domain/checkout.rs", "use super::orders::place;"),
            ("domain/orders.rs", "use super::checkout::lock; use crate::session::Session;"),
            ("domain/identity.rs", ""),
            ("bin/tool.rs", "use cart_api::db; use crate::domain::z;"),
        ]);
        let mut found = cycles("demo", &src).unwrap();
        found.sort();
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found[0].starts_with("demo: modules `db`, `domain`, `session` import each other"), "{}", found[0]);
        assert!(found[0].contains("db.rs:1 uses crate::domain::identity::seed"), "{}", found[0]);
        assert!(found[0].contains("domain/cart.rs:1 uses crate::db::begin"), "{}", found[0]);
        assert!(found[1].starts_with("demo: modules `domain::checkout`, `domain::orders`"), "{}", found[1]);
        let _ = std::fs::remove_dir_all(src);
    }
}

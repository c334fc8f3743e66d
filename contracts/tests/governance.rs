//! The registry against the rules: committed schemas, compatibility, names, data and size, and
//! the generated docs. `UPDATE_CONTRACTS=1 cargo test -p contracts` (or `cargo xtask contracts`)
//! writes the schemas of new event versions and regenerates `docs/events.md`; it never rewrites
//! a committed schema into an incompatible one.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};

use contracts::events::{registry, Envelope, DEPRECATED};
use contracts::governance::{
    breaking_changes, check_name, denied_fields, events_markdown, schema_path, MAX_ENVELOPE_BYTES,
};

fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn updating() -> bool {
    std::env::var_os("UPDATE_CONTRACTS").is_some()
}

fn pretty(value: &serde_json::Value) -> String {
    serde_json::to_string_pretty(value).expect("a schema serializes") + "\n"
}

#[test]
fn committed_schemas_are_only_ever_extended() {
    let mut problems = Vec::new();
    for spec in registry() {
        let path = crate_dir().join(schema_path(spec.name, spec.version));
        let current = (spec.schema)();
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let committed: serde_json::Value = serde_json::from_str(&text).expect("committed schemas are JSON");
                let breaking = breaking_changes(&committed, &current);
                if !breaking.is_empty() {
                    problems.push(format!(
                        "{} v{} changed incompatibly ({}): bump its version and keep v{} in DEPRECATED",
                        spec.name,
                        spec.version,
                        breaking.join("; "),
                        spec.version
                    ));
                } else if updating() && committed != current {
                    std::fs::write(&path, pretty(&current)).expect("write schema");
                }
            }
            Err(_) if updating() => {
                std::fs::create_dir_all(path.parent().expect("a parent")).expect("create schema dir");
                std::fs::write(&path, pretty(&current)).expect("write schema");
            }
            Err(_) => problems.push(format!(
                "{} v{} has no committed schema at {}: run `cargo xtask contracts`",
                spec.name,
                spec.version,
                path.display()
            )),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn older_versions_stay_accepted_for_their_deprecation_window() {
    let schemas = crate_dir().join("schemas");
    for spec in registry() {
        let dir = schemas.join(spec.name.replace(':', "."));
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let file = entry.file_name().to_string_lossy().into_owned();
            let Some(version) =
                file.strip_prefix('v').and_then(|v| v.strip_suffix(".json")).and_then(|v| v.parse::<u32>().ok())
            else {
                continue;
            };
            if version < spec.version {
                let deprecation = DEPRECATED.iter().find(|d| d.name == spec.name && d.version == version);
                assert!(
                    deprecation.is_some_and(|d| d.accepted_until.len() == 10),
                    "{} v{version} was replaced by v{}: list it in DEPRECATED with its window",
                    spec.name,
                    spec.version
                );
            }
            assert!(version <= spec.version, "{} has a schema for v{version}, newer than the code", spec.name);
        }
    }
    for d in DEPRECATED {
        let current = registry().into_iter().find(|s| s.name == d.name).expect("deprecated events exist");
        assert!(d.version < current.version, "{} v{} is deprecated but current", d.name, d.version);
    }
}

#[test]
fn names_state_domain_facts_and_are_unique() {
    let specs = registry();
    for spec in &specs {
        check_name(spec.name).unwrap();
        assert!(spec.version >= 1, "{}", spec.name);
        assert!(!spec.owner.is_empty() && !spec.consumers.is_empty() && !spec.description.is_empty(), "{}", spec.name);
    }
    let mut names: Vec<_> = specs.iter().map(|s| s.name).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), specs.len(), "an event is declared twice");
}

#[test]
fn payloads_carry_no_sensitive_fields() {
    for spec in registry() {
        let denied = denied_fields(&(spec.schema)());
        assert!(denied.is_empty(), "{} carries {denied:?}", spec.name);
    }
}

#[test]
fn envelopes_stay_small() {
    for spec in registry() {
        let envelope = Envelope {
            name: spec.name.to_string(),
            version: spec.version,
            publisher: "product-details@10.20.30".into(),
            id: "0".repeat(16),
            time: 1_790_000_000_000.0,
            trace_id: "0".repeat(32),
            payload: (spec.example)(),
        };
        let size = serde_json::to_string(&envelope).unwrap().len();
        assert!(size < MAX_ENVELOPE_BYTES, "{} is {size} bytes", spec.name);
    }
}

#[test]
fn events_doc_is_generated_from_the_registry() {
    let path: PathBuf = crate_dir().join("../docs/events.md");
    let generated = events_markdown(&registry());
    if updating() {
        std::fs::write(&path, &generated).expect("write docs/events.md");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(committed == generated, "docs/events.md is stale: run `cargo xtask contracts`");
}

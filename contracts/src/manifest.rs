//! The remote manifest (`/remotes.json`): how the shell finds each remote at run time.
//!
//! Written by `cargo xtask build` (all remotes) and `cargo xtask build --remote <name>` (one),
//! read by the shell at start. A remote is deployed by publishing its files and replacing its
//! entry; the shell is not rebuilt.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemoteManifest {
    pub remotes: Vec<RemoteEntry>,
}

/// One remote: the release that is live, the last good one to fall back to, and optionally a
/// new release rolled out to a share of sessions.
///
/// On the wire the live release's fields sit in the entry itself (`{ name, version, js, wasm,
/// ... }`). It is read through a flat twin rather than `#[serde(flatten)]`, which would put
/// serde's buffering code into the shell that every page loads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "EntryWire", into = "EntryWire")]
pub struct RemoteEntry {
    /// The remote's name, see [`crate::routes::Remote::name`].
    pub name: String,
    /// Path prefixes the remote owns beyond the shell's own route table (e.g. `/wishlist`): how
    /// a new remote gets pages without a shell release.
    pub routes: Vec<String>,
    pub release: Release,
    /// The previous good release: the shell loads it when this one does not load or fails its
    /// integrity check.
    pub fallback: Option<Release>,
    /// A new release for `percent` % of sessions (sticky per session). The server resolves it
    /// when it serves the manifest; the shell never sees a canary entry.
    pub canary: Option<Canary>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct EntryWire {
    name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    routes: Vec<String>,
    version: String,
    contracts_major: u32,
    js: String,
    wasm: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    css: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    server: Option<String>,
    integrity: Integrity,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    fallback: Option<Release>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    canary: Option<Canary>,
}

impl From<EntryWire> for RemoteEntry {
    fn from(w: EntryWire) -> Self {
        let release = Release {
            version: w.version,
            contracts_major: w.contracts_major,
            js: w.js,
            wasm: w.wasm,
            css: w.css,
            server: w.server,
            integrity: w.integrity,
        };
        Self { name: w.name, routes: w.routes, release, fallback: w.fallback, canary: w.canary }
    }
}

impl From<RemoteEntry> for EntryWire {
    fn from(e: RemoteEntry) -> Self {
        let Release { version, contracts_major, js, wasm, css, server, integrity } = e.release;
        Self {
            name: e.name,
            routes: e.routes,
            version,
            contracts_major,
            js,
            wasm,
            css,
            server,
            integrity,
            fallback: e.fallback,
            canary: e.canary,
        }
    }
}

/// The files of one build of a remote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Release {
    /// The remote crate's version.
    pub version: String,
    /// Major version of `contracts` the remote was built against.
    pub contracts_major: u32,
    /// URL of the wasm-bindgen JS glue (an ES module exporting `default`, `mount`, `unmount`).
    /// Same-origin path or absolute URL of another origin (served with CORS).
    pub js: String,
    /// URL of the wasm binary.
    pub wasm: String,
    /// URL of the remote's own stylesheet, whose rules apply inside its slot only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub css: Option<String>,
    /// Base URL of the release's server half (e.g. `http://127.0.0.1:4101`), which renders the
    /// remote's slot on the server (`crate::fragment`). Without one the slot is rendered in the
    /// browser only. Deploying a server half is starting it and writing its URL here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    /// Subresource Integrity hashes (`sha384-...`) of the files.
    pub integrity: Integrity,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Integrity {
    pub js: String,
    pub wasm: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub css: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Canary {
    /// 1 to 99: the share of sessions that get `release`.
    pub percent: u8,
    pub release: Release,
}

impl RemoteEntry {
    /// The release a shell speaking `contracts_major` can run: the current one, else the
    /// fallback, if either was built against that major.
    pub fn release_for(&self, contracts_major: u32) -> Option<&Release> {
        [Some(&self.release), self.fallback.as_ref()]
            .into_iter()
            .flatten()
            .find(|r| r.contracts_major == contracts_major)
    }
}

impl RemoteManifest {
    pub fn entry(&self, name: &str) -> Option<&RemoteEntry> {
        self.remotes.iter().find(|r| r.name == name)
    }

    pub fn has_canaries(&self) -> bool {
        self.remotes.iter().any(|r| r.canary.is_some())
    }

    /// The manifest as one session sees it: each canary is resolved for `bucket` (0..100, stable
    /// for the session). A session in the canary gets the new release, with the stable one as
    /// its fallback; the others keep the stable release.
    pub fn for_bucket(mut self, bucket: u8) -> Self {
        for entry in &mut self.remotes {
            if let Some(canary) = entry.canary.take() {
                if bucket < canary.percent {
                    let stable = std::mem::replace(&mut entry.release, canary.release);
                    entry.fallback = Some(stable);
                }
            }
        }
        self
    }
}

/// A session's canary bucket, 0..100, from its (random, opaque) id: the same id always lands in
/// the same bucket, so a visitor does not flip between releases.
pub fn bucket(session_id: &str) -> u8 {
    // FNV-1a: stable across builds and platforms, unlike std's hasher.
    let hash = session_id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3));
    (hash % 100) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    fn release(version: &str) -> Release {
        Release {
            version: version.into(),
            contracts_major: 1,
            js: format!("/remotes/cart/cart-{version}.js"),
            wasm: format!("/remotes/cart/cart-{version}_bg.wasm"),
            css: None,
            server: None,
            integrity: Integrity { js: "sha384-a".into(), wasm: "sha384-b".into(), css: None },
        }
    }

    fn manifest(percent: u8) -> RemoteManifest {
        RemoteManifest {
            remotes: vec![RemoteEntry {
                name: "cart".into(),
                routes: Vec::new(),
                release: release("1"),
                fallback: None,
                canary: Some(Canary { percent, release: release("2") }),
            }],
        }
    }

    #[test]
    fn a_release_of_another_contracts_major_is_passed_over() {
        let mut entry = manifest(10).remotes.remove(0);
        assert_eq!(entry.release_for(1).map(|r| r.version.as_str()), Some("1"));
        entry.release.contracts_major = 2;
        assert_eq!(entry.release_for(1), None);
        entry.fallback = Some(release("0.9"));
        assert_eq!(entry.release_for(1).map(|r| r.version.as_str()), Some("0.9"));
        assert_eq!(entry.release_for(2).map(|r| r.version.as_str()), Some("1"));
    }

    #[test]
    fn an_entry_reads_flat_as_before() {
        let json = serde_json::to_value(manifest(10)).unwrap();
        assert_eq!(json["remotes"][0]["version"], "1");
        assert_eq!(json["remotes"][0]["js"], "/remotes/cart/cart-1.js");
        assert_eq!(json["remotes"][0]["canary"]["percent"], 10);
        assert_eq!(serde_json::from_value::<RemoteManifest>(json).unwrap(), manifest(10));
    }

    #[test]
    fn a_canary_reaches_its_share_of_buckets_with_the_stable_release_as_fallback() {
        let inside = manifest(10).for_bucket(9);
        assert_eq!(inside.remotes[0].release.version, "2");
        assert_eq!(inside.remotes[0].fallback.as_ref().map(|r| r.version.as_str()), Some("1"));
        assert!(inside.remotes[0].canary.is_none());
        let outside = manifest(10).for_bucket(10);
        assert_eq!(outside.remotes[0].release.version, "1");
        assert!(outside.remotes[0].canary.is_none() && outside.remotes[0].fallback.is_none());
    }

    #[test]
    fn buckets_are_stable_and_spread() {
        assert_eq!(bucket("0123456789abcdef0123456789abcdef"), bucket("0123456789abcdef0123456789abcdef"));
        let ids: Vec<String> = (0..1000).map(|i| format!("{i:032x}")).collect();
        let in_ten = ids.iter().filter(|id| bucket(id) < 10).count();
        assert!((50..=150).contains(&in_ten), "{in_ten} of 1000 sessions in a 10 % canary");
    }
}

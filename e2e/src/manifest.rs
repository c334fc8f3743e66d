//! Changing a deployment the way a release would: the manifest of a `dist/` copy, edited as the
//! same `contracts::manifest` types the build writes and the shell reads, and the integrity
//! hashes it carries.

use std::path::Path;

use base64::Engine;
pub use contracts::manifest::{Canary, Release, RemoteEntry, RemoteManifest};
use sha2::{Digest, Sha384};

/// The Subresource Integrity value of `bytes`.
pub fn sri(bytes: &[u8]) -> String {
    format!("sha384-{}", base64::engine::general_purpose::STANDARD.encode(Sha384::digest(bytes)))
}

/// The manifest of `dist`, or `None` when it has none.
pub fn try_read(dist: &Path) -> Option<RemoteManifest> {
    let bytes = std::fs::read(dist.join("remotes.json")).ok()?;
    Some(serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}/remotes.json: {e}", dist.display())))
}

pub fn read(dist: &Path) -> RemoteManifest {
    try_read(dist).unwrap_or_else(|| panic!("{} has no remotes.json", dist.display()))
}

/// Writes the manifest and drops its precompressed copies, which would otherwise be served.
pub fn write(dist: &Path, manifest: &RemoteManifest) {
    std::fs::write(dist.join("remotes.json"), serde_json::to_vec_pretty(manifest).expect("json")).expect("write");
    for stale in ["remotes.json.br", "remotes.json.gz"] {
        let _ = std::fs::remove_file(dist.join(stale));
    }
}

/// The entry of remote `name`.
pub fn entry<'a>(manifest: &'a mut RemoteManifest, name: &str) -> &'a mut RemoteEntry {
    manifest.remotes.iter_mut().find(|e| e.name == name).unwrap_or_else(|| panic!("no remote {name} in the manifest"))
}

/// Reads the manifest of `dist`, lets `change` edit the entry of `name`, writes it back.
pub fn edit(dist: &Path, name: &str, change: impl FnOnce(&mut RemoteEntry)) {
    let mut manifest = read(dist);
    change(entry(&mut manifest, name));
    write(dist, &manifest);
}

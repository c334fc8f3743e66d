//! Changing a deployment the way a release would: the manifest of a `dist/` copy and the
//! integrity hashes it carries.
use std::path::Path;

use base64::Engine;
use serde_json::Value;
use sha2::{Digest, Sha384};

/// The Subresource Integrity value of `bytes`.
pub fn sri(bytes: &[u8]) -> String {
    format!("sha384-{}", base64::engine::general_purpose::STANDARD.encode(Sha384::digest(bytes)))
}

pub fn read(dist: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(dist.join("remotes.json")).expect("manifest")).expect("json")
}

/// Writes the manifest and drops its precompressed copies, which would otherwise be served.
pub fn write(dist: &Path, manifest: &Value) {
    std::fs::write(dist.join("remotes.json"), serde_json::to_vec_pretty(manifest).expect("json")).expect("write");
    for stale in ["remotes.json.br", "remotes.json.gz"] {
        let _ = std::fs::remove_file(dist.join(stale));
    }
}

/// The entry of remote `name`.
pub fn entry<'a>(manifest: &'a mut Value, name: &str) -> &'a mut Value {
    manifest["remotes"].as_array_mut().expect("remotes").iter_mut().find(|e| e["name"] == name).expect("entry")
}

/// Reads the manifest of `dist`, lets `change` edit the entry of `name`, writes it back.
pub fn edit(dist: &Path, name: &str, change: impl FnOnce(&mut Value)) {
    let mut manifest = read(dist);
    change(entry(&mut manifest, name));
    write(dist, &manifest);
}

//! The remote manifest (`/remotes.json`): how the shell finds each remote at run time.
//!
//! Written by `cargo xtask build`, read by the shell at start. A remote is deployed by
//! publishing its files and replacing its entry; the shell is not rebuilt.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemoteManifest {
    pub remotes: Vec<RemoteEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemoteEntry {
    /// The remote's name, see [`crate::routes::Remote::name`].
    pub name: String,
    /// The remote crate's version.
    pub version: String,
    /// Major version of `contracts` the remote was built against.
    pub contracts_major: u32,
    /// URL of the wasm-bindgen JS glue (an ES module exporting `default`, `mount`, `unmount`).
    pub js: String,
    /// URL of the wasm binary.
    pub wasm: String,
    /// URL of the remote's own stylesheet, whose rules apply inside its slot only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub css: Option<String>,
    /// Subresource Integrity hashes (`sha384-...`) of the two files.
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

impl RemoteManifest {
    pub fn entry(&self, name: &str) -> Option<&RemoteEntry> {
        self.remotes.iter().find(|r| r.name == name)
    }
}

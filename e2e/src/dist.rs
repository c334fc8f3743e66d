//! The built front end the journeys serve, and changed copies of it (a remote's bundle removed,
//! a manifest edited) for the journeys that prove what a broken deployment does.

use std::path::{Path, PathBuf};

use tempfile::TempDir;

/// The workspace this harness belongs to: where `cargo xtask build` puts `dist/` and `target/`.
fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("e2e lives in the workspace").to_path_buf()
}

/// `name` from the environment if set, else `default`; either must exist.
fn built(name: &str, default: PathBuf) -> PathBuf {
    let path = std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from).unwrap_or(default);
    assert!(
        path.exists(),
        "{} does not exist: `cargo xtask build` builds it (or set {name} to where it is)",
        path.display()
    );
    path
}

/// The release server the journeys run: `CART_API_BIN`, else the one `cargo xtask build` made.
pub fn built_server() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| workspace().join("target"), PathBuf::from);
    built("CART_API_BIN", target.join("release/cart-api"))
}

/// The built front end the tests serve: `DIST_DIR`, else the workspace's `dist/`.
pub fn dist_dir() -> PathBuf {
    built("DIST_DIR", workspace().join("dist"))
}

/// A copy of the built front end, changed by `edit` (e.g. a remote's bundle removed).
pub fn dist_copy(edit: impl FnOnce(&Path)) -> TempDir {
    copy_tree(&dist_dir(), edit)
}

/// A copy of the built front end without `remotes/<remote>/`: the store then serves a manifest
/// entry whose bundle is missing.
pub fn copy_dist_without(remote: &str) -> TempDir {
    copy_without_remote(&dist_dir(), remote)
}

/// A copy of the front end in `dist` without `remotes/<remote>/` (which must exist there).
pub fn copy_without_remote(dist: &Path, remote: &str) -> TempDir {
    copy_tree(dist, |copy| {
        let bundle = copy.join("remotes").join(remote);
        std::fs::remove_dir_all(&bundle)
            .unwrap_or_else(|e| panic!("cannot remove {} from the copy of {}: {e}", bundle.display(), dist.display()));
    })
}

/// A copy of the directory `from` in a new temporary directory, changed by `edit`.
pub fn copy_tree(from: &Path, edit: impl FnOnce(&Path)) -> TempDir {
    let copy = TempDir::new().expect("temp dir");
    copy_dir(from, copy.path())
        .unwrap_or_else(|e| panic!("cannot copy {} to {}: {e}", from.display(), copy.path().display()));
    edit(copy.path());
    copy
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            // Follows symbolic links: the copy must not change the original.
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

//! The built front end the journeys serve, and changed copies of it (a remote's bundle removed,
//! a manifest edited) for the journeys that prove what a broken deployment does.

use std::path::{Path, PathBuf};

use tempfile::TempDir;

pub(crate) fn required_env(name: &str) -> PathBuf {
    let value = std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from).unwrap_or_else(|| {
        panic!("{name} is not set: run the browser journeys through `cargo xtask test`, which builds the store first and sets CART_API_BIN and DIST_DIR")
    });
    assert!(
        value.exists(),
        "{name}={} does not exist: run the browser journeys through `cargo xtask test`, which builds it first",
        value.display()
    );
    value
}

/// The built front end the tests serve (`DIST_DIR`).
pub fn dist_dir() -> PathBuf {
    required_env("DIST_DIR")
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

//! The harness of the browser journeys: the real `cart-api` binary serving the real built front
//! end, driven in headless Chromium through ChromeDriver (WebDriver).
//!
//! Run through `cargo xtask test`, or `cargo test -p e2e` after `cargo xtask build`: a store runs
//! the workspace's release build unless its [`StoreBuilder`] names another server or front end.
//! Every [`Store`] and [`Browser`] has its own port, database and profile, so tests may run in
//! parallel; both clean up their processes when dropped, also when a test panics.

use std::time::Duration;

mod browser;
mod dist;
mod driver;
pub mod journeys;
pub mod manifest;
mod process;
pub mod server_rendering;
mod store;

pub use browser::Browser;
pub use dist::{copy_dist_without, copy_tree, copy_without_remote, dist_copy, dist_dir};
pub use store::{Store, StoreBuilder};

/// How long a journey waits for the page to reach an expected state.
pub const PATIENCE: Duration = Duration::from_secs(20);

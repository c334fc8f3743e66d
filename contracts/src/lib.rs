//! The public contracts of the store: the only code that the shell, the four remotes and the
//! cart API share.
//!
//! Micro frontends here talk through exactly three channels, and each has its module:
//!
//! * **URL state**: [`routes`] says which remote owns which path and how product URLs are built;
//!   the browser side of it is [`browser::navigation`] (wasm only).
//! * **Custom DOM events**: [`events`] declares every event with its name, owner, version and
//!   payload; [`browser::events`] publishes and subscribes to them on `window`.
//! * **The backend API**: [`api`] holds the JSON shapes `cart-api` speaks; [`browser::http`]
//!   calls it.
//!
//! Plus the two things the shell hands to every remote: the [`context::MountContext`] it passes
//! to `mount`, and the [`manifest`] it reads to find remotes at run time.
//!
//! For server rendering, [`fragment`] is what the composer and a remote's server half say to
//! each other. [`inputs`] is the parent-to-child channel: the attributes a page hands a fragment
//! of another team's that it places.
//!
//! Nothing here knows about Leptos, so a remote written with any framework can use it.

pub mod api;
pub mod context;
pub mod events;
pub mod format;
pub mod fragment;
#[cfg(feature = "schema")]
pub mod governance;
pub mod inputs;
pub mod manifest;
pub mod problems;
pub mod routes;

#[cfg(target_arch = "wasm32")]
pub mod browser;
#[cfg(all(feature = "server", not(target_arch = "wasm32")))]
pub mod server;

/// Major version of these contracts. A remote built against another major is refused by the shell.
pub const CONTRACTS_MAJOR: u32 = 1;

//! Server-side composition, the shell team's half of server rendering.
//!
//! The store's front door hands the composer a page request ([`ComposeRequest`]): the shell's
//! page as it would go out without server rendering, the visitor's platform context and the
//! manifest their session sees. The composer asks the server half of every remote on the page
//! for its slot ([`fragments`]), all at once and each within the same time budget, and writes
//! the answers into the page ([`page`]). A remote whose server half is slow, down or of another
//! version than its browser release keeps today's slot, which its browser half fills: one team's
//! trouble never holds the page back beyond the budget, and never breaks it.
//!
//! The composer holds no domain logic and no state: what a slot shows is its remote's business,
//! what the visitor is the front door's.
//!
//! [`ComposeRequest`]: contracts::fragment::ComposeRequest

pub mod fragments;
pub mod page;

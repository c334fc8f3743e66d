//! The HTTP surface of the cart API, as one test binary (zero2prod's layout): a module per area,
//! all against the real router. Each test starts its own server on port 0 with a database of its
//! own (SQLite, or PostgreSQL with `TEST_POSTGRES_URL`), so they run in parallel; every request
//! goes through `helpers::send`, which fails the test on any 5xx.
//!
//! `tests/durability.rs` stays a binary of its own: it kills and restarts server processes.

mod helpers;

mod cart;
mod catalogue;
mod checkout;
mod deploy;
mod forms;
mod frontend;
mod fuzz;
mod health;
mod hostile;
mod operations;
mod security;

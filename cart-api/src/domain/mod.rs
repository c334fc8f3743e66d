//! Business rules and persistence of the store's domains. Handlers in `routes` only translate
//! HTTP to these calls.

pub mod cart;
pub mod catalog;
pub mod checkout;
pub mod error;
pub mod idempotency;
pub mod identity;
pub mod orders;
pub mod payments;
pub mod pricing;
pub mod retention;

pub use error::{Conflict, DomainError};

/// The currency every price of this store is in.
pub const CURRENCY: &str = "EUR";

//! Business rules and persistence of the store's domains. Handlers in `routes` only translate
//! HTTP to these calls.

pub mod cart;
pub mod catalog;
pub mod checkout;
pub mod idempotency;
pub mod identity;
pub mod orders;
pub mod payments;
pub mod pricing;
pub mod retention;

/// The currency every price of this store is in.
pub const CURRENCY: &str = "EUR";

/// A random lowercase hex id with a prefix, e.g. `cart_3f9c...`.
pub fn new_id(prefix: &str, bytes: usize) -> String {
    use rand::RngCore;
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    let hex: String = buf.iter().map(|b| format!("{b:02x}")).collect();
    if prefix.is_empty() {
        hex
    } else {
        format!("{prefix}_{hex}")
    }
}

/// Milliseconds since the Unix epoch, for ordering and audit columns.
pub fn now_millis() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

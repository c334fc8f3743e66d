//! The wall clock as the store records it: a leaf module, so that sessions, the domain and the
//! database helpers read time the same way without importing each other.

/// Milliseconds since the Unix epoch, for ordering and audit columns.
pub fn now_millis() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

//! Random identifiers: a leaf module every other module may use (sessions, carts, orders, traces).

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

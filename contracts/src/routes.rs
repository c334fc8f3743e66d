//! Route contracts: which remote owns which URL, and how to build the URLs others link to.
//!
//! The URL is the one state every remote may read. The shell routes on the path to pick a
//! remote; the remote that owns a path owns the meaning of its query string.

use serde::{Deserialize, Serialize};

/// The independently deployed remotes the shell knows how to host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Remote {
    Catalog,
    ProductDetails,
    Cart,
    Checkout,
}

impl Remote {
    pub const ALL: [Remote; 4] = [Remote::Catalog, Remote::ProductDetails, Remote::Cart, Remote::Checkout];

    /// The name used in the manifest, in `dist/remotes/<name>/` and in the event log.
    pub fn name(self) -> &'static str {
        match self {
            Remote::Catalog => "catalog",
            Remote::ProductDetails => "product-details",
            Remote::Cart => "cart",
            Remote::Checkout => "checkout",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.name() == name)
    }

    /// Which remote owns a path: `/`, `/categories/:slug` and `/search` are the catalog's,
    /// `/products/:id` product details', `/cart` the cart's, `/checkout` and below checkout's.
    pub fn owning(path: &str) -> Option<Self> {
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        match segments.as_slice() {
            [""] | ["search"] | ["categories", _] => Some(Remote::Catalog),
            ["products", _] => Some(Remote::ProductDetails),
            ["cart"] => Some(Remote::Cart),
            ["checkout", ..] => Some(Remote::Checkout),
            _ => None,
        }
    }
}

/// `/products/{id}`, optionally with the chosen variant.
pub fn product_path(id: u32, variant: Option<&str>) -> String {
    match variant {
        Some(v) => format!("/products/{id}?variant={}", encode_component(v)),
        None => format!("/products/{id}"),
    }
}

pub const CART_PATH: &str = "/cart";
pub const CHECKOUT_PATH: &str = "/checkout";

/// Parses the `:id` of `/products/:id`.
pub fn parse_product_path(path: &str) -> Option<u32> {
    let id = path.strip_prefix("/products/")?.trim_end_matches('/');
    // Leading '+' or zeros would give one product many URLs.
    if id.is_empty() || id.starts_with(['+', '0']) {
        return None;
    }
    id.parse().ok()
}

/// Reads one parameter from a query string (`?a=1&b=2` or `a=1&b=2`), percent-decoded.
pub fn query_param(search: &str, key: &str) -> Option<String> {
    search
        .trim_start_matches('?')
        .split('&')
        .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
        .find(|(k, _)| decode_component(k).as_deref() == Some(key))
        .and_then(|(_, v)| decode_component(v))
}

/// Checks that a URL is a path on this origin (`/...`), so a navigation request cannot leave
/// the store or run script.
pub fn check_same_origin_path(url: &str) -> Result<(), String> {
    if !url.starts_with('/') || url.starts_with("//") || url.starts_with("/\\") {
        return Err(format!("{url:?} is not a same-origin path"));
    }
    if url.chars().any(|c| c.is_control()) {
        return Err("url contains control characters".into());
    }
    Ok(())
}

/// Percent-encodes a query component (RFC 3986 unreserved characters pass through).
pub fn encode_component(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// Decodes a query component (`+` is a space); `None` when it is not valid percent-encoded UTF-8.
pub fn decode_component(value: &str) -> Option<String> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_app_path_has_one_owner() {
        let cases = [
            ("/", Some(Remote::Catalog)),
            ("/search", Some(Remote::Catalog)),
            ("/categories/tractors", Some(Remote::Catalog)),
            ("/products/12", Some(Remote::ProductDetails)),
            ("/cart", Some(Remote::Cart)),
            ("/checkout", Some(Remote::Checkout)),
            ("/checkout/payment", Some(Remote::Checkout)),
            ("/nowhere", None),
            ("/categories", None),
        ];
        for (path, owner) in cases {
            assert_eq!(Remote::owning(path), owner, "{path}");
        }
    }

    #[test]
    fn remote_names_round_trip() {
        for remote in Remote::ALL {
            assert_eq!(Remote::from_name(remote.name()), Some(remote));
        }
    }

    #[test]
    fn product_paths_round_trip() {
        for id in [1, 42, u32::MAX] {
            assert_eq!(parse_product_path(&product_path(id, None)), Some(id));
        }
        for bad in ["/products/", "/products/abc", "/products/-1", "/products/007", "/products/+7", "/cart"] {
            assert_eq!(parse_product_path(bad), None, "{bad}");
        }
        assert_eq!(product_path(3, Some("dark green")), "/products/3?variant=dark%20green");
    }

    #[test]
    fn query_params_are_decoded() {
        assert_eq!(query_param("?variant=dark%20green&x=1", "variant").as_deref(), Some("dark green"));
        assert_eq!(query_param("q=red+tractor", "q").as_deref(), Some("red tractor"));
        assert_eq!(query_param("?flag", "flag").as_deref(), Some(""));
        assert_eq!(query_param("?a=1", "b"), None);
        assert_eq!(query_param("?a=%E0%A4", "a"), None, "invalid UTF-8 is refused, not mangled");
        for s in ["plain", "dark green", "ä+ö/&=?#"] {
            assert_eq!(decode_component(&encode_component(s)).as_deref(), Some(s));
        }
    }
}

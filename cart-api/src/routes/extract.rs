//! Extractors whose rejections are problem documents (see `crate::error`).

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts};
use axum::http::request::Parts;

use crate::error::ApiError;
use crate::AppState;

/// A JSON body.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct Body<T>(pub T);

/// A query string.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct Query<T>(pub T);

/// Path parameters.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct Path<T>(pub T);

/// The address of the client a request comes from: the TCP peer, or, when the peer is one of
/// `TRUSTED_PROXIES`, the last address in `X-Forwarded-For` that is not a trusted proxy itself.
pub struct ClientAddress(pub IpAddr);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let ConnectInfo(peer) = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .copied()
            .ok_or_else(|| ApiError::BadRequest("no peer address".into()))?;
        let forwarded = parts.headers.get_all(X_FORWARDED_FOR).iter().filter_map(|v| v.to_str().ok());
        Ok(Self(client_address(peer.ip(), forwarded, &state.trusted_proxies)))
    }
}

const X_FORWARDED_FOR: &str = "x-forwarded-for";

/// Each proxy appends the address it received the request from, so the list is read from the
/// right: addresses a trusted proxy added are believed, the first one that is not a trusted
/// proxy is the client. Anything left of it may be forged by that client and is not read.
fn client_address<'a>(peer: IpAddr, forwarded: impl Iterator<Item = &'a str>, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let hops: Vec<&str> = forwarded.flat_map(|v| v.split(',')).map(str::trim).collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(address) if trusted.contains(&address) => client = address,
            Ok(address) => return address,
            // A hop we cannot read ends what we can believe.
            Err(_) => break,
        }
    }
    client
}

/// The `Idempotency-Key` of a write, scoped to the caller's session.
pub fn idempotency_key(
    headers: &axum::http::HeaderMap,
    session_id: &str,
) -> Result<Option<crate::domain::idempotency::IdempotencyKey>, ApiError> {
    headers
        .get("idempotency-key")
        .map(|v| crate::domain::idempotency::IdempotencyKey::parse(session_id, v.to_str().unwrap_or("\u{0}")))
        .transpose()
}

/// The cart version a write expects, from `If-Match: "7"` (an `ETag` this API sent). `*` or no
/// header: any version.
pub fn if_match(headers: &axum::http::HeaderMap) -> Result<Option<u64>, ApiError> {
    let Some(value) = headers.get(axum::http::header::IF_MATCH) else { return Ok(None) };
    let value = value.to_str().unwrap_or_default().trim();
    if value == "*" {
        return Ok(None);
    }
    value
        .trim_start_matches("W/")
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .and_then(|v| v.parse::<u64>().ok())
        .map(Some)
        .ok_or_else(|| ApiError::BadRequest("If-Match must be an ETag this API sent, such as \"7\"".into()))
}

#[cfg(test)]
mod tests {
    use std::net::IpAddr;

    use axum::http::{header::IF_MATCH, HeaderMap};

    use super::client_address;

    #[test]
    fn if_match_reads_our_etags_only() {
        let mut headers = HeaderMap::new();
        assert_eq!(super::if_match(&headers).unwrap(), None);
        for (value, expected) in [("\"7\"", Some(7)), ("W/\"7\"", Some(7)), ("*", None)] {
            headers.insert(IF_MATCH, value.parse().unwrap());
            assert_eq!(super::if_match(&headers).unwrap(), expected, "{value}");
        }
        for bad in ["7", "\"x\"", "\"-1\""] {
            headers.insert(IF_MATCH, bad.parse().unwrap());
            assert!(super::if_match(&headers).is_err(), "{bad}");
        }
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_for_is_believed_only_from_a_trusted_proxy() {
        let proxy = ip("10.0.0.2");
        let trusted = [proxy, ip("10.0.0.3")];
        // Straight from the client: its header is ignored, it could say anything.
        assert_eq!(client_address(ip("198.51.100.9"), ["203.0.113.7"].into_iter(), &trusted), ip("198.51.100.9"));
        // Through the proxy: the address the proxy saw.
        assert_eq!(client_address(proxy, ["203.0.113.7"].into_iter(), &trusted), ip("203.0.113.7"));
        // A forged entry left of the real one is not read.
        assert_eq!(client_address(proxy, ["1.2.3.4, 203.0.113.7"].into_iter(), &trusted), ip("203.0.113.7"));
        // Two proxies, and the header split over two lines.
        assert_eq!(client_address(proxy, ["203.0.113.7", "10.0.0.3"].into_iter(), &trusted), ip("203.0.113.7"));
        // Nothing readable: the proxy itself.
        assert_eq!(client_address(proxy, ["unknown"].into_iter(), &trusted), proxy);
        assert_eq!(client_address(proxy, std::iter::empty(), &trusted), proxy);
        assert_eq!(client_address(proxy, ["[2001:db8::1]"].into_iter(), &trusted), proxy);
        assert_eq!(client_address(proxy, ["2001:db8::1"].into_iter(), &trusted), ip("2001:db8::1"));
    }
}

//! Extractors whose rejections are problem documents (see `crate::error`).

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts};
use axum::http::request::Parts;

use crate::domain::idempotency::IdempotencyKey;
use crate::domain::DomainError;
use crate::error::ApiError;
use crate::session::Session;
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

/// The `Idempotency-Key` header of a write, as sent. It names a write only together with the
/// caller's session ([`IdempotencyHeader::for_session`]), which a first add creates.
pub struct IdempotencyHeader(Option<axum::http::HeaderValue>);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyHeader {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(parts.headers.get("idempotency-key").cloned()))
    }
}

impl IdempotencyHeader {
    /// The key, scoped to `session_id`; a malformed one is a problem, no header is `None`.
    pub fn for_session(&self, session_id: &str) -> Result<Option<IdempotencyKey>, DomainError> {
        // Text that is not visible ASCII is refused by the parser like any other bad key.
        self.0.as_ref().map(|v| IdempotencyKey::parse(session_id, v.to_str().unwrap_or("\u{0}"))).transpose()
    }
}

/// `If-Match`: the cart version a write expects ([`if_match`]).
pub struct IfMatch(pub Option<u64>);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        if_match(&parts.headers).map(Self)
    }
}

/// The caller's session, if their cookie names a live one. Never creates one.
pub struct CurrentSession(pub Option<Session>);

impl FromRequestParts<AppState> for CurrentSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        Ok(Self(Session::existing(&state.db, &parts.headers).await?))
    }
}

/// A signed-in caller: their session and account id; anyone else is answered 401
/// `sign-in-required` before the handler runs.
pub struct SignedIn {
    pub session: Session,
    pub user_id: String,
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let session = Session::existing(&state.db, &parts.headers).await?.ok_or(ApiError::SignInRequired)?;
        let user_id = session.user_id.clone().ok_or(ApiError::SignInRequired)?;
        Ok(Self { session, user_id })
    }
}

/// The cart version a write expects, from `If-Match: "7"` (an `ETag` this API sent). `*` or no
/// header: any version.
fn if_match(headers: &axum::http::HeaderMap) -> Result<Option<u64>, ApiError> {
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

//! Extractors whose rejections are problem documents (see `crate::error`).

use axum::extract::{FromRequest, FromRequestParts};

use crate::error::ApiError;

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
    use axum::http::{header::IF_MATCH, HeaderMap};

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
}

//! The visitor's session: an opaque random id in an HttpOnly cookie, stored server-side.
//! The browser never sees anything but the id; everything it refers to lives in the database.
//! A session nobody uses for [`IDLE_LIFETIME_MS`] is over, whatever its cookie says, and
//! `domain::retention` deletes it later with its guest cart.

use crate::db::Db;
use axum::extract::Request;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, IntoResponseParts, Response, ResponseParts};

use crate::error::ApiError;
use crate::ids::new_id;

pub const COOKIE_NAME: &str = contracts::api::SESSION_COOKIES[0];
/// The name with `COOKIE_SECURE=true`. Browsers take a `__Host-` cookie only from HTTPS, with
/// `Secure`, `Path=/` and no `Domain`, so a site on a sibling subdomain cannot plant one.
pub const SECURE_COOKIE_NAME: &str = contracts::api::SESSION_COOKIES[1];
/// 16 random bytes = 128 bits, hex-encoded.
const ID_HEX_LEN: usize = 32;
/// A session unused for this long is over: the visitor goes on as a new guest (an account's cart
/// stays the account's).
pub const IDLE_LIFETIME_MS: i64 = 30 * 24 * 60 * 60 * 1000;
/// How stale `seen_at` may be before a request refreshes it: one write per session per hour
/// rather than one per request, which is precise enough for a 30-day limit.
const SEEN_RESOLUTION_MS: i64 = 60 * 60 * 1000;
/// The cookie lives as long as the session may: closing the browser keeps a guest's cart, and
/// every renewal of `seen_at` sends the cookie again with a fresh `Max-Age`.
const COOKIE_MAX_AGE_SECS: i64 = IDLE_LIFETIME_MS / 1000;

/// The session of the current request.
pub struct Session {
    pub id: String,
    /// The signed-in account, if any.
    pub user_id: Option<String>,
    /// `Set-Cookie` to send when this request created or ended the session.
    new_cookie: Option<HeaderValue>,
}

impl Session {
    /// The request's session if its cookie names a live one, without creating anything.
    pub async fn existing(db: &Db, headers: &HeaderMap) -> Result<Option<Session>, ApiError> {
        let Some((id, secure)) = cookie_value(headers) else { return Ok(None) };
        let now = crate::clock::now_millis();
        let found: Option<(String, Option<String>, i64)> = sqlx::query_as(
            "SELECT id, user_id, seen_at FROM sessions WHERE id = $1 AND ended_at IS NULL AND seen_at > $2",
        )
        .bind(&id)
        .bind(now - IDLE_LIFETIME_MS)
        .fetch_optional(db)
        .await?;
        let Some((id, user_id, seen_at)) = found else { return Ok(None) };
        let mut new_cookie = None;
        if seen_at <= now - SEEN_RESOLUTION_MS {
            sqlx::query("UPDATE sessions SET seen_at = $1 WHERE id = $2").bind(now).bind(&id).execute(db).await?;
            new_cookie = session_cookie(&id, secure);
        }
        Ok(Some(Session { id, user_id, new_cookie }))
    }

    /// The request's session, created (with its cookie) on first use.
    pub async fn get_or_create(db: &Db, headers: &HeaderMap, secure: bool) -> Result<Session, ApiError> {
        if let Some(session) = Self::existing(db, headers).await? {
            return Ok(session);
        }
        Self::start(db, None, secure).await
    }

    /// A new session, for a guest or for `user_id`, with the cookie that names it. Sign-in starts
    /// one so that an id seen before signing in never carries the account (session fixation).
    pub async fn start<'c, E>(db: E, user_id: Option<&str>, secure: bool) -> Result<Session, ApiError>
    where
        E: sqlx::Executor<'c, Database = sqlx::Any>,
    {
        let id = new_id("", ID_HEX_LEN / 2);
        sqlx::query("INSERT INTO sessions (id, user_id, created_at, seen_at) VALUES ($1, $2, $3, $3)")
            .bind(&id)
            .bind(user_id)
            .bind(crate::clock::now_millis())
            .execute(db)
            .await?;
        Ok(Session { new_cookie: session_cookie(&id, secure), user_id: user_id.map(str::to_string), id })
    }

    /// Ends the session in the database and has the browser forget its cookie.
    pub async fn end<'c, E>(mut self, db: E, secure: bool) -> Result<Session, ApiError>
    where
        E: sqlx::Executor<'c, Database = sqlx::Any>,
    {
        sqlx::query("UPDATE sessions SET ended_at = $1 WHERE id = $2")
            .bind(crate::clock::now_millis())
            .bind(&self.id)
            .execute(db)
            .await?;
        let cookie =
            format!("{}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{}", cookie_name(secure), secure_attribute(secure));
        self.new_cookie = HeaderValue::from_str(&cookie).ok();
        self.user_id = None;
        Ok(self)
    }
}

fn cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_COOKIE_NAME
    } else {
        COOKIE_NAME
    }
}

fn session_cookie(id: &str, secure: bool) -> Option<HeaderValue> {
    let (name, attribute) = (cookie_name(secure), secure_attribute(secure));
    HeaderValue::from_str(&format!(
        "{name}={id}; Path=/; Max-Age={COOKIE_MAX_AGE_SECS}; HttpOnly; SameSite=Lax{attribute}"
    ))
    .ok()
}

fn secure_attribute(secure: bool) -> &'static str {
    if secure {
        "; Secure"
    } else {
        ""
    }
}

/// Sets the session cookie on the response when the session is new.
impl IntoResponseParts for &Session {
    type Error = std::convert::Infallible;

    fn into_response_parts(self, mut res: ResponseParts) -> Result<ResponseParts, Self::Error> {
        if let Some(cookie) = &self.new_cookie {
            res.headers_mut().append(SET_COOKIE, cookie.clone());
        }
        Ok(res)
    }
}

/// A body answered within a session.
pub struct WithSession<T>(pub Session, pub T);

impl<T: IntoResponse> IntoResponse for WithSession<T> {
    fn into_response(self) -> Response {
        (&self.0, self.1).into_response()
    }
}

/// The session id from the `Cookie` header, if it is well formed, and whether it came under the
/// secure name. [`keep_only_cookie`] has removed the name this server does not use.
fn cookie_value(headers: &HeaderMap) -> Option<(String, bool)> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find_map(|(name, value)| match name {
            COOKIE_NAME => Some((value, false)),
            SECURE_COOKIE_NAME => Some((value, true)),
            _ => None,
        })
        .filter(|(v, _)| v.len() == ID_HEX_LEN && v.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(|(v, secure)| (v.to_string(), secure))
}

/// Removes the session cookie of the other setting before any handler reads cookies: with
/// `COOKIE_SECURE=true` a plain `store_session`, which a sibling subdomain could have planted, is
/// not believed (and without it, a `__Host-` one is not either).
pub async fn keep_only_cookie(secure: bool, mut request: Request, next: Next) -> Response {
    let other = cookie_name(!secure);
    let named_other = |pair: &str| pair.trim().split_once('=').is_some_and(|(name, _)| name == other);
    let cookies: Vec<String> =
        request.headers().get_all(COOKIE).iter().filter_map(|v| v.to_str().ok()).map(str::to_string).collect();
    if cookies.iter().flat_map(|v| v.split(';')).any(named_other) {
        let kept: Vec<&str> =
            cookies.iter().flat_map(|v| v.split(';')).filter(|p| !named_other(p)).map(str::trim).collect();
        let headers = request.headers_mut();
        headers.remove(COOKIE);
        if let Ok(value) = HeaderValue::from_str(&kept.join("; ")) {
            if !kept.is_empty() {
                headers.insert(COOKIE, value);
            }
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_only_well_formed_ids() {
        let mut headers = HeaderMap::new();
        let id = "0123456789abcdef0123456789abcdef";
        headers.insert(COOKIE, format!("theme=dark; {COOKIE_NAME}={id}").parse().unwrap());
        assert_eq!(cookie_value(&headers), Some((id.to_string(), false)));
        headers.insert(COOKIE, format!("theme=dark; {SECURE_COOKIE_NAME}={id}").parse().unwrap());
        assert_eq!(cookie_value(&headers), Some((id.to_string(), true)));
        for bad in ["x", "../../etc/passwd", "0123456789abcdef0123456789abcdeZ"] {
            headers.insert(COOKIE, format!("{COOKIE_NAME}={bad}").parse().unwrap());
            assert_eq!(cookie_value(&headers), None);
        }
    }
}

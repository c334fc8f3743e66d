//! The visitor's session: an opaque random id in an HttpOnly cookie, stored server-side.
//! The browser never sees anything but the id; everything it refers to lives in the database.
//! A session nobody uses for [`IDLE_LIFETIME_MS`] is over, whatever its cookie says, and
//! `domain::retention` deletes it later with its guest cart.
//!
//! The domain only says that a response starts or ends a session ([`CookieChange`]); how the
//! cookie is spelled for the browser (its name, `Secure`, `Max-Age`) is decided once, here, by
//! the [`session_cookies`] layer, with the `cookie` crate, from the server's `COOKIE_SECURE`.

use crate::db::Db;
use axum::extract::Request;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, IntoResponseParts, Response, ResponseParts};

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
    /// What the response tells the browser, when this request created, renewed or ended it.
    cookie: Option<CookieChange>,
}

/// A change of the session cookie for the [`session_cookies`] layer to write, carried as a
/// response extension.
#[derive(Debug, Clone, PartialEq)]
enum CookieChange {
    Set(String),
    Clear,
}

impl Session {
    /// The request's session if its cookie names a live one, without creating anything.
    pub async fn existing(db: &Db, headers: &HeaderMap) -> Result<Option<Session>, sqlx::Error> {
        let Some(id) = cookie_value(headers) else { return Ok(None) };
        let now = crate::clock::now_millis();
        let found: Option<(String, Option<String>, i64)> = sqlx::query_as(
            "SELECT id, user_id, seen_at FROM sessions WHERE id = $1 AND ended_at IS NULL AND seen_at > $2",
        )
        .bind(&id)
        .bind(now - IDLE_LIFETIME_MS)
        .fetch_optional(db)
        .await?;
        let Some((id, user_id, seen_at)) = found else { return Ok(None) };
        let mut cookie = None;
        if seen_at <= now - SEEN_RESOLUTION_MS {
            sqlx::query("UPDATE sessions SET seen_at = $1 WHERE id = $2").bind(now).bind(&id).execute(db).await?;
            cookie = Some(CookieChange::Set(id.clone()));
        }
        Ok(Some(Session { id, user_id, cookie }))
    }

    /// The request's session, created (with its cookie) on first use.
    pub async fn get_or_create(db: &Db, headers: &HeaderMap) -> Result<Session, sqlx::Error> {
        if let Some(session) = Self::existing(db, headers).await? {
            return Ok(session);
        }
        Self::start(db, None).await
    }

    /// A new session, for a guest or for `user_id`, with the cookie that names it. Sign-in starts
    /// one so that an id seen before signing in never carries the account (session fixation).
    pub async fn start<'c, E>(db: E, user_id: Option<&str>) -> Result<Session, sqlx::Error>
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
        Ok(Session { cookie: Some(CookieChange::Set(id.clone())), user_id: user_id.map(str::to_string), id })
    }

    /// Ends the session in the database and has the browser forget its cookie.
    pub async fn end<'c, E>(mut self, db: E) -> Result<Session, sqlx::Error>
    where
        E: sqlx::Executor<'c, Database = sqlx::Any>,
    {
        sqlx::query("UPDATE sessions SET ended_at = $1 WHERE id = $2")
            .bind(crate::clock::now_millis())
            .bind(&self.id)
            .execute(db)
            .await?;
        self.cookie = Some(CookieChange::Clear);
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

/// The `Set-Cookie` value of `change` under this server's setting: HttpOnly (scripts never see
/// the id), `SameSite=Lax` (no cross-site writes carry it), `Path=/`, and with `secure` the
/// `__Host-` name and `Secure`. A session cookie lives as long as the session may.
fn set_cookie(change: &CookieChange, secure: bool) -> Option<HeaderValue> {
    let (value, max_age) = match change {
        CookieChange::Set(id) => (id.clone(), cookie::time::Duration::seconds(COOKIE_MAX_AGE_SECS)),
        CookieChange::Clear => (String::new(), cookie::time::Duration::ZERO),
    };
    let cookie = cookie::Cookie::build((cookie_name(secure), value))
        .path("/")
        .max_age(max_age)
        .http_only(true)
        .same_site(cookie::SameSite::Lax)
        .secure(secure)
        .build();
    HeaderValue::from_str(&cookie.to_string()).ok()
}

/// Has the [`session_cookies`] layer set or clear the cookie when the session changed.
impl IntoResponseParts for &Session {
    type Error = std::convert::Infallible;

    fn into_response_parts(self, mut res: ResponseParts) -> Result<ResponseParts, Self::Error> {
        if let Some(change) = &self.cookie {
            res.extensions_mut().insert(change.clone());
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

/// The session id from the `Cookie` header, if it is well formed. [`session_cookies`] has
/// removed the name this server does not use, so either name is this server's.
fn cookie_value(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == COOKIE_NAME || c.name() == SECURE_COOKIE_NAME)
        .map(|c| c.value().to_string())
        .filter(|v| v.len() == ID_HEX_LEN && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The session cookie at the edge. Before any handler reads cookies it removes the one of the
/// other setting: with `COOKIE_SECURE=true` a plain `store_session`, which a sibling subdomain
/// could have planted, is not believed (and without it, a `__Host-` one is not either). After
/// the handler it writes the `Set-Cookie` the response's session asks for.
pub async fn session_cookies(secure: bool, mut request: Request, next: Next) -> Response {
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
    let mut response = next.run(request).await;
    if let Some(change) = response.extensions_mut().remove::<CookieChange>() {
        if let Some(value) = set_cookie(&change, secure) {
            response.headers_mut().append(SET_COOKIE, value);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_only_well_formed_ids() {
        let mut headers = HeaderMap::new();
        let id = "0123456789abcdef0123456789abcdef";
        headers.insert(COOKIE, format!("theme=dark; {COOKIE_NAME}={id}").parse().unwrap());
        assert_eq!(cookie_value(&headers).as_deref(), Some(id));
        headers.insert(COOKIE, format!("theme=dark; {SECURE_COOKIE_NAME}={id}").parse().unwrap());
        assert_eq!(cookie_value(&headers).as_deref(), Some(id));
        for bad in ["x", "../../etc/passwd", "0123456789abcdef0123456789abcdeZ"] {
            headers.insert(COOKIE, format!("{COOKIE_NAME}={bad}").parse().unwrap());
            assert_eq!(cookie_value(&headers), None);
        }
    }

    #[test]
    fn the_cookie_is_spelled_for_the_setting() {
        let id = "0123456789abcdef0123456789abcdef".to_string();
        let plain = set_cookie(&CookieChange::Set(id.clone()), false).unwrap();
        let plain = plain.to_str().unwrap();
        assert!(plain.starts_with(&format!("{COOKIE_NAME}={id}")), "{plain}");
        for wanted in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=2592000"] {
            assert!(plain.contains(wanted), "{wanted} missing: {plain}");
        }
        assert!(!plain.contains("Secure"), "{plain}");
        let secure = set_cookie(&CookieChange::Set(id), true).unwrap();
        assert!(
            secure.to_str().unwrap().starts_with(SECURE_COOKIE_NAME) && secure.to_str().unwrap().contains("; Secure")
        );
        let cleared = set_cookie(&CookieChange::Clear, false).unwrap();
        assert!(cleared.to_str().unwrap().contains("Max-Age=0"), "{cleared:?}");
    }
}

//! The visitor's session: an opaque random id in an HttpOnly cookie, stored server-side.
//! The browser never sees anything but the id; everything it refers to lives in the database.
//! A session nobody uses for [`IDLE_LIFETIME_MS`] is over, whatever its cookie says, and
//! `domain::retention` deletes it later with its guest cart.

use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, IntoResponseParts, Response, ResponseParts};
use crate::db::Db;

use crate::domain::new_id;
use crate::error::ApiError;

pub const COOKIE_NAME: &str = "store_session";
/// 16 random bytes = 128 bits, hex-encoded.
const ID_HEX_LEN: usize = 32;
/// A session unused for this long is over: the visitor goes on as a new guest (an account's cart
/// stays the account's).
pub const IDLE_LIFETIME_MS: i64 = 30 * 24 * 60 * 60 * 1000;
/// How stale `seen_at` may be before a request refreshes it: one write per session per hour
/// rather than one per request, which is precise enough for a 30-day limit.
const SEEN_RESOLUTION_MS: i64 = 60 * 60 * 1000;

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
        let Some(id) = cookie_value(headers) else { return Ok(None) };
        let now = crate::domain::now_millis();
        let found: Option<(String, Option<String>, i64)> = sqlx::query_as(
            "SELECT id, user_id, seen_at FROM sessions WHERE id = $1 AND ended_at IS NULL AND seen_at > $2",
        )
        .bind(&id)
        .bind(now - IDLE_LIFETIME_MS)
        .fetch_optional(db)
        .await?;
        let Some((id, user_id, seen_at)) = found else { return Ok(None) };
        if seen_at <= now - SEEN_RESOLUTION_MS {
            sqlx::query("UPDATE sessions SET seen_at = $1 WHERE id = $2").bind(now).bind(&id).execute(db).await?;
        }
        Ok(Some(Session { id, user_id, new_cookie: None }))
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
            .bind(crate::domain::now_millis())
            .execute(db)
            .await?;
        let cookie = format!("{COOKIE_NAME}={id}; Path=/; HttpOnly; SameSite=Lax{}", secure_attribute(secure));
        Ok(Session { new_cookie: HeaderValue::from_str(&cookie).ok(), user_id: user_id.map(str::to_string), id })
    }

    /// Ends the session in the database and has the browser forget its cookie.
    pub async fn end<'c, E>(mut self, db: E, secure: bool) -> Result<Session, ApiError>
    where
        E: sqlx::Executor<'c, Database = sqlx::Any>,
    {
        sqlx::query("UPDATE sessions SET ended_at = $1 WHERE id = $2")
            .bind(crate::domain::now_millis())
            .bind(&self.id)
            .execute(db)
            .await?;
        let cookie = format!("{COOKIE_NAME}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{}", secure_attribute(secure));
        self.new_cookie = HeaderValue::from_str(&cookie).ok();
        self.user_id = None;
        Ok(self)
    }
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

/// The session id from the `Cookie` header, if it is well formed.
fn cookie_value(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value.to_string())
        .filter(|v| v.len() == ID_HEX_LEN && v.bytes().all(|b| b.is_ascii_hexdigit()))
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
        for bad in ["x", "../../etc/passwd", "0123456789abcdef0123456789abcdeZ"] {
            headers.insert(COOKIE, format!("{COOKIE_NAME}={bad}").parse().unwrap());
            assert_eq!(cookie_value(&headers), None);
        }
    }
}

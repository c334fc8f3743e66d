//! Serves the built front end from `DIST_DIR`: files as they are, `index.html` for app routes
//! (the shell's router takes over in the browser), 404 for a missing file.
//!
//! The page carries what its first paint needs to be the page's final look, so the shell does not
//! wait for a round trip to learn it: the visitor's theme and language (the shell's preference
//! cookies) on `<html>`, and the identity summary in a data block.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::ServeDir;

use contracts::context::{MountContext, Theme};
use contracts::fragment::ComposeRequest;
use contracts::manifest::RemoteManifest;

use crate::config::COMPOSE_BUDGET;
use crate::error::ApiError;
use crate::session::{Session, WithSession};
use crate::AppState;

pub async fn serve(State(state): State<AppState>, request: Request) -> Response {
    let path = request.uri().path().to_string();
    let search = request.uri().query().map(|q| format!("?{q}")).unwrap_or_default();
    // The nested API router does not match `/api/` itself, so it lands here: an API path is
    // never answered with the shell's HTML.
    if path == "/api" || path.starts_with("/api/") {
        return ApiError::NotFound("this API route".into()).into_response();
    }
    if path == "/sitemap.xml" {
        return sitemap(&state, request.headers()).await;
    }
    if path == "/robots.txt" {
        return robots(&state, request.headers());
    }
    if path == "/remotes.json" {
        if let Some(response) = manifest_with_canaries(&state, request.headers()).await {
            return response;
        }
    }
    let is_file = path.rsplit('/').next().is_some_and(|last| last.contains('.'));
    let request_cookies = request.headers().get(header::COOKIE).cloned();
    let mut server_rendered = false;
    let mut response = if is_file {
        // `cargo xtask build` writes .br and .gz next to each text and wasm file.
        match ServeDir::new(&state.dist_dir).precompressed_br().precompressed_gzip().oneshot(request).await {
            Ok(response) => response.map(Body::new),
            Err(never) => match never {},
        }
    } else {
        match page(&state, request.headers(), &format!("{path}{search}")).await {
            Some(page) => {
                let owner = contracts::routes::Remote::owning(&path).map(|r| r.name());
                let rendered = page.headers().get(contracts::fragment::RENDERED_HEADER).and_then(|v| v.to_str().ok());
                server_rendered = rendered.is_some_and(|names| names.split(',').any(|n| Some(n.trim()) == owner));
                page
            }
            None => {
                return (StatusCode::SERVICE_UNAVAILABLE, "The front end is not built: run `cargo xtask build`.")
                    .into_response()
            }
        }
    };
    if !is_file {
        if let Some(link) = preload_links(&state, &path, &search, request_cookies.as_ref(), server_rendered).await {
            response.headers_mut().insert(header::LINK, link);
        }
    }
    let cache = if !is_file || path == "/remotes.json" {
        // Always revalidated, so a new deploy (shell or remote) is picked up on the next load.
        "no-cache"
    } else if is_content_hashed(&path) {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=3600"
    };
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    // A page is the visitor's own (theme, language, identity); a file is the same for everyone.
    let vary = if is_file { "accept-encoding" } else { "accept-encoding, cookie" };
    response.headers_mut().insert(header::VARY, HeaderValue::from_static(vary));
    // Hosting remotes for a shell on another origin: its import(), fetch and stylesheet are CORS
    // requests (the integrity checks need them to be).
    if let (true, Some(origin)) = (is_file, &state.cors_allow_origin) {
        response.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
    }
    response
}

/// `index.html` for this visitor: `<html lang data-theme>` from the shell's preference cookies and
/// the identity summary in the data block the shell reads (`contracts::context::IDENTITY_ELEMENT`).
/// A visitor without a session is a guest, found without touching the database.
///
/// With a composer (`COMPOSER_URL`), that page goes to it and comes back with the remotes'
/// server-rendered slots; a composer that fails or is slow costs the page nothing but its
/// server rendering.
async fn page(state: &AppState, headers: &axum::http::HeaderMap, url: &str) -> Option<Response> {
    let html = tokio::fs::read_to_string(state.dist_dir.join("index.html")).await.ok()?;
    let session = Session::existing(&state.db, headers).await.ok().flatten();
    let identity = match &session {
        Some(session) => crate::domain::identity::summary(&state.db, Some(session)).await.unwrap_or_default(),
        None => contracts::context::IdentitySummary::default(),
    };
    let preferences = Preferences::of(headers);
    let html = personalise(&html, &preferences, &identity);
    if let Some(composer) = &state.composer {
        let bucket = session.as_ref().map_or(99, |s| contracts::manifest::bucket(&s.id));
        if let Some(manifest) = read_manifest(&state.dist_dir).await.map(|m| m.for_bucket(bucket)) {
            let request = ComposeRequest {
                url: url.to_string(),
                origin: origin(state, headers),
                page: html.clone(),
                context: MountContext::new(
                    "shell",
                    preferences.locale.to_string(),
                    preferences.theme.unwrap_or_default(),
                    identity,
                ),
                manifest,
            };
            if let Some(composed) = composer.compose(&request, headers.get(header::COOKIE)).await {
                return Some(composed);
            }
        }
    }
    let mut response = (StatusCode::OK, html).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    Some(response)
}

/// `/robots.txt`: every shop page may be indexed, the visitor's own pages and the API not.
fn robots(state: &AppState, headers: &axum::http::HeaderMap) -> Response {
    let body = format!(
        "User-agent: *\nAllow: /\nDisallow: /api/\nDisallow: /cart\nDisallow: /checkout\nDisallow: /orders\nDisallow: /sign-in\nSitemap: {}/sitemap.xml\n",
        origin(state, headers)
    );
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")], body)
        .into_response()
}

/// `/sitemap.xml`: the catalogue's pages (the listings and every product), for search engines.
async fn sitemap(state: &AppState, headers: &axum::http::HeaderMap) -> Response {
    let snapshot = match state.catalogue.snapshot(&state.db).await {
        Ok(snapshot) => snapshot,
        Err(error) => return ApiError::from(error).into_response(),
    };
    let origin = contracts::fragment::escape_html(&origin(state, headers));
    let pages = std::iter::once("/".to_string())
        .chain(
            snapshot
                .categories()
                .into_iter()
                .map(|c| contracts::routes::CatalogQuery { category: Some(c.slug), ..Default::default() }.to_url()),
        )
        .chain(snapshot.product_ids().into_iter().map(|id| contracts::routes::product_path(id, None)));
    let mut xml = String::from(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    xml.push_str(r#"<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">"#);
    for page in pages {
        xml.push_str(&format!("<url><loc>{origin}{}</loc></url>", contracts::fragment::escape_html(&page)));
    }
    xml.push_str("</urlset>");
    let mut response = (StatusCode::OK, xml).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/xml"));
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    response
}

/// The shell's composer, reached over HTTP: the front door and the composer are deployed apart.
#[derive(Clone)]
pub struct Composer {
    client: reqwest::Client,
    url: String,
}

impl Composer {
    pub fn new(url: String) -> Self {
        let client = reqwest::Client::builder().timeout(COMPOSE_BUDGET).build().unwrap_or_default();
        Self { client, url }
    }

    /// The composed page, or `None` when the composer cannot give one (the caller sends the
    /// page without server rendering).
    async fn compose(&self, request: &ComposeRequest, cookie: Option<&HeaderValue>) -> Option<Response> {
        let mut call = self.client.post(format!("{}{}", self.url, contracts::fragment::COMPOSE_PATH)).json(request);
        if let Some(cookie) = cookie {
            call = call.header(header::COOKIE, cookie.clone());
        }
        let answer = match call.send().await {
            Ok(answer) if answer.status().is_success() || answer.status().is_client_error() => answer,
            Ok(answer) => {
                tracing::warn!(status = %answer.status(), "the composer failed; the page goes out without server rendering");
                return None;
            }
            Err(error) => {
                tracing::warn!(%error, "the composer did not answer; the page goes out without server rendering");
                return None;
            }
        };
        let status = StatusCode::from_u16(answer.status().as_u16()).unwrap_or(StatusCode::OK);
        let timing = answer.headers().get("server-timing").cloned();
        let rendered = answer.headers().get(contracts::fragment::RENDERED_HEADER).cloned();
        let html = answer.text().await.ok()?;
        let mut response = (status, html).into_response();
        response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
        if let Some(timing) = timing {
            response.headers_mut().insert("server-timing", timing);
        }
        if let Some(rendered) = rendered {
            response.headers_mut().insert(contracts::fragment::RENDERED_HEADER, rendered);
        }
        Some(response)
    }
}

/// `scheme://host` as the visitor sees this store.
fn origin(state: &AppState, headers: &axum::http::HeaderMap) -> String {
    if let Some(origin) = &state.public_origin {
        return origin.clone();
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let scheme = if state.cookie_secure { "https" } else { "http" };
    format!("{scheme}://{host}")
}

/// The visitor's theme and language as the shell will find them: its preference cookies, else
/// (language only) the browser's first language, which is what the shell falls back to.
#[derive(Debug, Clone, PartialEq)]
struct Preferences {
    locale: &'static str,
    theme: Option<Theme>,
}

impl Preferences {
    /// Only values the store knows get in: a cookie is the visitor's to write.
    fn of(headers: &axum::http::HeaderMap) -> Self {
        let cookie = |name: &str| {
            headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(
                |c| {
                    let (key, value) = c.trim().split_once('=')?;
                    (key == name).then(|| value.to_string())
                },
            )
        };
        let supported = |tag: &str| contracts::context::LOCALES.into_iter().find(|l| *l == tag);
        let first_language = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(|tag| tag.split(';').next().unwrap_or_default().trim().to_string());
        let locale = cookie("shell-locale")
            .and_then(|l| supported(&l))
            .or_else(|| first_language.and_then(|l| supported(&l)))
            .unwrap_or(contracts::context::LOCALES[0]);
        let theme = match cookie("shell-theme").as_deref() {
            Some("dark") => Some(Theme::Dark),
            Some("light") => Some(Theme::Light),
            _ => None,
        };
        Self { locale, theme }
    }
}

/// The page with the visitor's theme, language and identity.
fn personalise(html: &str, preferences: &Preferences, identity: &contracts::context::IdentitySummary) -> String {
    let theme = match preferences.theme {
        Some(Theme::Dark) => " data-theme=\"dark\"",
        Some(Theme::Light) => " data-theme=\"light\"",
        None => "",
    };
    let json = contracts::fragment::script_json(&serde_json::to_string(identity).unwrap_or_else(|_| "{}".into()));
    let block =
        format!(r#"<script type="application/json" id="{}">{json}</script>"#, contracts::context::IDENTITY_ELEMENT);
    html.replacen("<html lang=\"en\">", &format!("<html lang=\"{}\"{theme}>", preferences.locale), 1).replacen(
        "</head>",
        &format!("{block}</head>"),
        1,
    )
}

/// `Link` preloads for the remote that owns `path`, read from the current manifest: the browser
/// fetches the manifest, the remote's JS glue and wasm and the page's first API answers while the
/// shell's wasm is still starting, instead of one after the other. The shell stays in charge of
/// loading: these only warm the cache. The glue is announced as `modulepreload` with its
/// integrity hash, so a module that does not match it never enters the page's module map.
/// The header's cart summary is not announced: it loads after the page's main content, and must
/// not compete with it for the network.
async fn preload_links(
    state: &AppState,
    path: &str,
    search: &str,
    cookie: Option<&HeaderValue>,
    server_rendered: bool,
) -> Option<HeaderValue> {
    let remote = contracts::routes::Remote::owning(path)?;
    // A server-rendered page is already what the visitor came for: its remote's files load after
    // the page's pictures instead of competing with them (see the shell's boot script).
    if server_rendered {
        return None;
    }
    let mut manifest = read_manifest(&state.dist_dir).await?;
    // Only a canary makes the session matter; without one no page load touches the database.
    if manifest.has_canaries() {
        manifest = manifest.for_bucket(session_bucket(state, cookie).await);
    }
    // The release the shell will run: one built against another contracts major never runs, so
    // it is not worth a byte.
    let release = manifest.entry(remote.name())?.release_for(contracts::CONTRACTS_MAJOR)?;
    let mut links = vec![
        "</remotes.json>; rel=preload; as=fetch; crossorigin".to_string(),
        format!("<{}>; rel=modulepreload; crossorigin; integrity=\"{}\"", release.js, release.integrity.js),
        format!("<{}>; rel=preload; as=fetch; crossorigin; integrity=\"{}\"", release.wasm, release.integrity.wasm),
    ];
    if let Some(css) = &release.css {
        links.push(format!("<{css}>; rel=preload; as=style; crossorigin"));
    }
    links.extend(
        contracts::routes::first_requests(path, search)
            .into_iter()
            .map(|api| format!("<{api}>; rel=preload; as=fetch; crossorigin")),
    );
    HeaderValue::from_str(&links.join(", ")).ok()
}

async fn read_manifest(dist: &std::path::Path) -> Option<RemoteManifest> {
    let bytes = tokio::fs::read(dist.join("remotes.json")).await.ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// The canary bucket of the request's session; a visitor without a session yet is outside every
/// canary (bucket 99) until the first API call gives it one.
async fn session_bucket(state: &AppState, cookie: Option<&HeaderValue>) -> u8 {
    let mut headers = axum::http::HeaderMap::new();
    if let Some(cookie) = cookie {
        headers.insert(header::COOKIE, cookie.clone());
    }
    match Session::existing(&state.db, &headers).await {
        Ok(Some(session)) => contracts::manifest::bucket(&session.id),
        _ => 99,
    }
}

/// `/remotes.json` when a remote has a canary: resolved for this session (created now if need
/// be, so the choice sticks), never cached. Without canaries the file is served as it is.
async fn manifest_with_canaries(state: &AppState, headers: &axum::http::HeaderMap) -> Option<Response> {
    let manifest = read_manifest(&state.dist_dir).await?;
    if !manifest.has_canaries() {
        return None;
    }
    let session = Session::get_or_create(&state.db, headers).await.ok()?;
    let resolved = manifest.for_bucket(contracts::manifest::bucket(&session.id));
    let mut response = WithSession(session, axum::Json(resolved)).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache, private"));
    Some(response)
}

/// `name-<16 hex>.ext`: the file name changes whenever the content does.
fn is_content_hashed(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or_default();
    let stem = file.split('.').next().unwrap_or_default().trim_end_matches("_bg");
    stem.rsplit_once('-').is_some_and(|(_, hash)| hash.len() >= 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use axum::http::{header, HeaderMap, HeaderValue};
    use contracts::context::{IdentitySummary, Theme};

    use super::Preferences;

    fn headers(pairs: &[(header::HeaderName, &'static str)]) -> HeaderMap {
        pairs.iter().map(|(k, v)| (k.clone(), HeaderValue::from_static(v))).collect()
    }

    #[test]
    fn preferences_come_from_the_cookies_then_the_browser_language() {
        let chosen = Preferences::of(&headers(&[(header::COOKIE, "a=b; shell-locale=de-DE; shell-theme=dark")]));
        assert_eq!(chosen, Preferences { locale: "de-DE", theme: Some(Theme::Dark) });
        let browser = Preferences::of(&headers(&[(header::ACCEPT_LANGUAGE, "de-DE,de;q=0.9,en;q=0.8")]));
        assert_eq!(browser, Preferences { locale: "de-DE", theme: None });
        let unknown = Preferences::of(&headers(&[(header::COOKIE, "shell-locale=xx; shell-theme=\"><script>")]));
        assert_eq!(unknown, Preferences { locale: "en-US", theme: None });
    }

    #[test]
    fn a_page_carries_only_what_the_store_knows() {
        let html = "<!DOCTYPE html><html lang=\"en\"><head></head><body></body></html>";
        let dark_german = Preferences { locale: "de-DE", theme: Some(Theme::Dark) };
        let guest = super::personalise(html, &dark_german, &IdentitySummary::default());
        assert!(guest.contains("<html lang=\"de-DE\" data-theme=\"dark\">"), "{guest}");
        assert!(guest.contains(r#"<script type="application/json" id="platform-identity">{"userId":null"#), "{guest}");
        let hostile = IdentitySummary {
            display_name: Some("</script><script>alert(1)</script>".into()),
            logged_in: true,
            ..Default::default()
        };
        let page = super::personalise(html, &Preferences { locale: "en-US", theme: None }, &hostile);
        assert!(page.contains("<html lang=\"en-US\">"), "{page}");
        assert_eq!(page.matches("<script").count(), 1, "{page}");
        assert!(page.contains("\\u003c/script>"), "{page}");
    }

    #[test]
    fn recognises_content_hashed_files() {
        assert!(super::is_content_hashed("/remotes/cart/cart-0123456789abcdef.js"));
        assert!(super::is_content_hashed("/shell-0123456789abcdef_bg.wasm"));
        assert!(!super::is_content_hashed("/remotes.json"));
        assert!(!super::is_content_hashed("/images/products/1.svg"));
    }
}

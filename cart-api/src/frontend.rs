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

use contracts::manifest::RemoteManifest;

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
    if path == "/remotes.json" {
        if let Some(response) = manifest_with_canaries(&state, request.headers()).await {
            return response;
        }
    }
    let is_file = path.rsplit('/').next().is_some_and(|last| last.contains('.'));
    let request_cookies = request.headers().get(header::COOKIE).cloned();
    let mut response = if is_file {
        // `cargo xtask build` writes .br and .gz next to each text and wasm file.
        match ServeDir::new(&state.dist_dir).precompressed_br().precompressed_gzip().oneshot(request).await {
            Ok(response) => response.map(Body::new),
            Err(never) => match never {},
        }
    } else {
        match page(&state, request.headers()).await {
            Some(page) => page,
            None => {
                return (StatusCode::SERVICE_UNAVAILABLE, "The front end is not built: run `cargo xtask build`.")
                    .into_response()
            }
        }
    };
    if !is_file {
        if let Some(link) = preload_links(&state, &path, &search, request_cookies.as_ref()).await {
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
async fn page(state: &AppState, headers: &axum::http::HeaderMap) -> Option<Response> {
    let html = tokio::fs::read_to_string(state.dist_dir.join("index.html")).await.ok()?;
    let identity = match Session::existing(&state.db, headers).await {
        Ok(Some(session)) => crate::domain::identity::summary(&state.db, Some(&session)).await.unwrap_or_default(),
        _ => contracts::context::IdentitySummary::default(),
    };
    let cookie = |name: &str| {
        headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(
            |c| {
                let (key, value) = c.trim().split_once('=')?;
                (key == name).then(|| value.to_string())
            },
        )
    };
    let html = personalise(&html, cookie("shell-theme").as_deref(), cookie("shell-locale").as_deref(), &identity);
    let mut response = (StatusCode::OK, html).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    Some(response)
}

/// The page with the visitor's theme, language and identity. Only values the store knows get in:
/// a cookie is the visitor's to write, so anything else is ignored.
fn personalise(
    html: &str,
    theme: Option<&str>,
    locale: Option<&str>,
    identity: &contracts::context::IdentitySummary,
) -> String {
    let locale = locale.filter(|l| contracts::context::LOCALES.contains(l)).unwrap_or(contracts::context::LOCALES[0]);
    let theme =
        theme.filter(|t| matches!(*t, "light" | "dark")).map(|t| format!(" data-theme=\"{t}\"")).unwrap_or_default();
    // `<` never appears in the block as it is, so a display name cannot close the script element.
    let json = serde_json::to_string(identity).unwrap_or_else(|_| "{}".into()).replace('<', "\\u003c");
    let block =
        format!(r#"<script type="application/json" id="{}">{json}</script>"#, contracts::context::IDENTITY_ELEMENT);
    html.replacen("<html lang=\"en\">", &format!("<html lang=\"{locale}\"{theme}>"), 1).replacen(
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
) -> Option<HeaderValue> {
    let remote = contracts::routes::Remote::owning(path)?;
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
    let session = Session::get_or_create(&state.db, headers, state.cookie_secure).await.ok()?;
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
    use contracts::context::IdentitySummary;

    #[test]
    fn a_page_carries_only_what_the_store_knows() {
        let html = "<!DOCTYPE html><html lang=\"en\"><head></head><body></body></html>";
        let guest = super::personalise(html, Some("dark"), Some("de-DE"), &IdentitySummary::default());
        assert!(guest.contains("<html lang=\"de-DE\" data-theme=\"dark\">"), "{guest}");
        assert!(guest.contains(r#"<script type="application/json" id="platform-identity">{"userId":null"#), "{guest}");
        let hostile = IdentitySummary {
            display_name: Some("</script><script>alert(1)</script>".into()),
            logged_in: true,
            ..Default::default()
        };
        let page = super::personalise(html, Some("\"><script>"), Some("xx"), &hostile);
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

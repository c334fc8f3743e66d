//! Serves the built front end from `DIST_DIR`: files as they are, `index.html` for app routes
//! (the shell's router takes over in the browser), 404 for a missing file.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

use contracts::manifest::RemoteManifest;

use crate::error::ApiError;
use crate::session::{Session, WithSession};
use crate::AppState;

pub async fn serve(State(state): State<AppState>, request: Request) -> Response {
    let path = request.uri().path().to_string();
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
    let served = if is_file {
        // `cargo xtask build` writes .br and .gz next to each text and wasm file.
        ServeDir::new(&state.dist_dir).precompressed_br().precompressed_gzip().oneshot(request).await
    } else {
        ServeFile::new(state.dist_dir.join("index.html")).precompressed_br().precompressed_gzip().oneshot(request).await
    };
    let mut response = match served {
        Ok(response) => response.map(Body::new),
        Err(never) => match never {},
    };
    if response.status() == StatusCode::NOT_FOUND && !is_file {
        return (StatusCode::SERVICE_UNAVAILABLE, "The front end is not built: run `cargo xtask build`.")
            .into_response();
    }
    if !is_file {
        if let Some(link) = preload_links(&state, &path, request_cookies.as_ref()).await {
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
    response.headers_mut().insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    // Hosting remotes for a shell on another origin: its import(), fetch and stylesheet are CORS
    // requests (the integrity checks need them to be).
    if let (true, Some(origin)) = (is_file, &state.cors_allow_origin) {
        response.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
    }
    response
}

/// `Link` preloads for the remote that owns `path`, read from the current manifest: the browser
/// fetches the manifest and the remote's wasm while the shell's wasm is still starting, instead
/// of one after the other. The shell stays in charge of loading: these only warm the cache.
/// The JS glue is not preloaded here: the shell preloads it itself with its integrity hash, and
/// a module fetched earlier without one would bypass that check.
async fn preload_links(state: &AppState, path: &str, cookie: Option<&HeaderValue>) -> Option<HeaderValue> {
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
        format!("<{}>; rel=preload; as=fetch; crossorigin; integrity=\"{}\"", release.wasm, release.integrity.wasm),
    ];
    if let Some(css) = &release.css {
        links.push(format!("<{css}>; rel=preload; as=style; crossorigin"));
    }
    // The header's cart summary is a remote bundle of its own, on every page.
    if let Some(cart) = manifest.entry(contracts::routes::CART_SUMMARY).and_then(|e| e.release_for(contracts::CONTRACTS_MAJOR)) {
        links.push(format!("<{}>; rel=preload; as=fetch; crossorigin; integrity=\"{}\"", cart.wasm, cart.integrity.wasm));
    }
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
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() >= 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn recognises_content_hashed_files() {
        assert!(super::is_content_hashed("/remotes/cart/cart-0123456789abcdef.js"));
        assert!(super::is_content_hashed("/shell-0123456789abcdef_bg.wasm"));
        assert!(!super::is_content_hashed("/remotes.json"));
        assert!(!super::is_content_hashed("/images/products/1.svg"));
    }
}

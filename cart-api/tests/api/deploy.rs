//! Serving the manifest: never cached stale, and a canary release reaches its share of sessions,
//! the same release every time for one session.

use contracts::manifest::{Canary, Integrity, Release, RemoteEntry, RemoteManifest};
use reqwest::header;

use crate::helpers::{spawn_app, visitor};

fn release(version: &str) -> Release {
    Release {
        version: version.into(),
        contracts_major: contracts::CONTRACTS_MAJOR,
        js: format!("/remotes/cart/cart-{version}.js"),
        wasm: format!("/remotes/cart/cart-{version}_bg.wasm"),
        css: None,
        server: None,
        integrity: Integrity { js: "sha384-js".into(), wasm: "sha384-wasm".into(), css: None },
    }
}

fn deploy(dist: &std::path::Path, canary: Option<Canary>) {
    let manifest = RemoteManifest {
        remotes: vec![RemoteEntry {
            name: "cart".into(),
            routes: Vec::new(),
            release: release("1.0.0"),
            fallback: Some(release("0.9.0")),
            canary,
        }],
    };
    std::fs::write(dist.join("remotes.json"), serde_json::to_vec(&manifest).unwrap()).unwrap();
}

#[tokio::test]
async fn the_manifest_is_revalidated_on_every_load() {
    let app = spawn_app().await;
    deploy(&app.dist_dir, None);
    let response = app.get("/remotes.json").await;
    assert_eq!(response.headers()[header::CACHE_CONTROL], "no-cache");
    let manifest: RemoteManifest = response.json().await.unwrap();
    assert_eq!(manifest.remotes[0].release.version, "1.0.0");
    assert_eq!(manifest.remotes[0].fallback.as_ref().map(|r| r.version.as_str()), Some("0.9.0"));

    // A redeploy is visible on the very next request.
    let mut next = manifest.clone();
    next.remotes[0].release = release("1.1.0");
    std::fs::write(app.dist_dir.join("remotes.json"), serde_json::to_vec(&next).unwrap()).unwrap();
    let manifest: RemoteManifest = app.get("/remotes.json").await.json().await.unwrap();
    assert_eq!(manifest.remotes[0].release.version, "1.1.0");
}

#[tokio::test]
async fn a_canary_reaches_some_sessions_and_sticks_to_each() {
    let app = spawn_app().await;
    deploy(&app.dist_dir, Some(Canary { percent: 50, release: release("2.0.0-canary") }));
    let mut versions = std::collections::BTreeSet::new();
    for _ in 0..40 {
        let visitor = visitor();
        let first: RemoteManifest = app.get_as(&visitor, "/remotes.json").await.json().await.unwrap();
        let entry = &first.remotes[0];
        assert!(entry.canary.is_none(), "the browser never sees the canary entry itself");
        if entry.release.version == "2.0.0-canary" {
            assert_eq!(
                entry.fallback.as_ref().map(|r| r.version.as_str()),
                Some("1.0.0"),
                "the stable release is the canary's fallback"
            );
        }
        for _ in 0..3 {
            let again: RemoteManifest = app.get_as(&visitor, "/remotes.json").await.json().await.unwrap();
            assert_eq!(again.remotes[0].release.version, entry.release.version, "one session, one release");
        }
        versions.insert(entry.release.version.clone());
    }
    assert_eq!(versions.into_iter().collect::<Vec<_>>(), ["1.0.0", "2.0.0-canary"], "40 sessions see both releases");
}

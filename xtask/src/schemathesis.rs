//! The `api-contract` stage: schemathesis (PyPI, installed into `target/tools/schemathesis`)
//! fuzzes a running cart-api from the OpenAPI document it serves. It is an outside tool on
//! purpose: it reads only the document, so a route that answers what the document does not say
//! fails here whoever wrote both.
//!
//! The checks are the ones a contract promises: no server error, only declared status codes and
//! media types, bodies and headers that match their schemas, `405` for undeclared methods. The
//! requests are those of a guest and, in a second run, of the signed-in demo account, so the
//! checkout routes are reached past their `401`.
//!
//! Not run: `positive_data_acceptance` and `negative_data_rejection`. They require every
//! schema-valid request to succeed, and this API answers schema-valid requests with domain
//! problems by design (`412` for a stale `If-Match`, `422 unknown-item` for a product id that
//! does not exist, `400` for an event name no contract registers); the document declares those
//! answers, and `status_code_conformance` holds the server to them.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::loadtest::start_server;

/// Pinned, so a new release's new checks arrive in a commit of ours, not in a red CI run.
const VERSION: &str = "4.32.5";
const CHECKS: &str = "not_a_server_error,status_code_conformance,content_type_conformance,\
                      response_schema_conformance,response_headers_conformance,unsupported_method,\
                      allow_header_conformance";
/// Cases per operation and phase: enough to cross every declared constraint, small enough to
/// keep the stage near a minute.
const MAX_EXAMPLES: &str = "25";

pub fn check(root: &Path, server: &Path) -> Result<()> {
    let schemathesis = ensure(root)?;
    let data = tempfile::TempDir::new()?;
    let database = format!("sqlite://{}?mode=rwc", data.path().join("store.db").display());
    let (_server, base) = start_server(server, &database, data.path())?;
    let runtime = tokio::runtime::Runtime::new()?;
    let cookie = runtime.block_on(demo_session(&base))?;
    for (who, header) in [("a guest", None), ("the signed-in demo account", Some(cookie))] {
        println!("schemathesis against {base}, as {who}");
        let mut run = Command::new(&schemathesis);
        run.current_dir(data.path())
            .args(["run", &format!("{base}/api/openapi.json"), "--url", &base])
            .args(["--checks", CHECKS, "--max-examples", MAX_EXAMPLES, "--workers", "2"])
            .args(["--suppress-health-check", "too_slow"])
            .env("SCHEMATHESIS_TELEMETRY", "false");
        if let Some(cookie) = &header {
            // Signing in, up or out would replace the session under the run's feet; the
            // guest's run has covered those routes.
            run.args(["--header", &format!("Cookie: {cookie}"), "--exclude-path-regex", "^/api/(session|accounts)"]);
        }
        crate::run(&mut run)?;
    }
    Ok(())
}

/// The `name=value` of the demo account's session cookie.
async fn demo_session(base: &str) -> Result<String> {
    let sign_in = serde_json::json!({ "email": "demo@shop.test", "password": "demo-password" });
    let response = reqwest::Client::new()
        .post(format!("{base}/api/session/login"))
        .json(&sign_in)
        .send()
        .await
        .context("cannot sign in as the demo account")?;
    if !response.status().is_success() {
        bail!("signing in as the demo account answered {}", response.status());
    }
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .find(|pair| contracts::api::SESSION_COOKIES.iter().any(|name| pair.starts_with(&format!("{name}="))))
        .map(str::to_string)
        .context("signing in set no session cookie")
}

/// schemathesis in its own virtual environment under `target/tools`, at [`VERSION`].
fn ensure(root: &Path) -> Result<PathBuf> {
    let venv = crate::target_dir(root).join("tools/schemathesis");
    let binary = venv.join("bin/schemathesis");
    let installed = Command::new(&binary)
        .arg("--version")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim().ends_with(VERSION));
    if installed {
        return Ok(binary);
    }
    println!("installing schemathesis {VERSION} into {}", venv.display());
    crate::run(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
    crate::run(Command::new(venv.join("bin/pip")).args(["install", "--quiet", &format!("schemathesis=={VERSION}")]))?;
    Ok(binary)
}

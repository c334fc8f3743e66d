//! Asking the remotes' server halves for their slots: all at once, each within the budget, and
//! using an answer only when it fits the browser release the page will load.

use std::time::{Duration, Instant};

use contracts::fragment::{ComposeRequest, FragmentRequest, FragmentResponse, Head, FRAGMENT_PATH};
use contracts::manifest::{Release, RemoteManifest};
use contracts::routes::{Remote, CART_SUMMARY};
use contracts::server::Shared;
use futures_util::future::join_all;

use crate::page::{fill, with_head, Filled};

/// A slot of the page a remote may fill on the server: `data-slot` in the page, and its remote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub slot: &'static str,
    pub remote: String,
}

/// The slots of the page at `path`: the page's own remote (built in, or one the manifest routes
/// the path to) and the cart team's header fragment, on every page.
pub fn slots(path: &str, manifest: &RemoteManifest) -> Vec<Slot> {
    let page = Remote::owning(path).map(|r| r.name().to_string()).or_else(|| {
        manifest
            .remotes
            .iter()
            .find(|entry| {
                entry
                    .routes
                    .iter()
                    .any(|route| path == route || path.starts_with(&format!("{}/", route.trim_end_matches('/'))))
            })
            .map(|entry| entry.name.clone())
    });
    page.map(|remote| Slot { slot: "page", remote })
        .into_iter()
        .chain(std::iter::once(Slot { slot: CART_SUMMARY, remote: CART_SUMMARY.to_string() }))
        .collect()
}

/// What became of one slot, for the `Server-Timing` header and the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Rendered {
        remote: String,
        millis: u128,
        cached: bool,
    },
    /// Left to the browser, and why.
    Skipped {
        remote: String,
        reason: String,
    },
}

/// The composed page.
#[derive(Debug)]
pub struct Composed {
    pub html: String,
    pub status: u16,
    pub outcomes: Vec<Outcome>,
}

/// The composer: one HTTP client for all server halves, the budget, and the answers fragments
/// said may be shared.
pub struct Composer {
    client: reqwest::Client,
    budget: Duration,
    shared: Shared<FragmentResponse>,
}

impl Composer {
    pub fn new(budget: Duration) -> Self {
        let client = reqwest::Client::builder().pool_idle_timeout(Duration::from_secs(30)).build().unwrap_or_default();
        Self { client, budget, shared: Shared::default() }
    }

    /// The page of `request` with every slot whose server half answered in time.
    pub async fn compose(&self, request: &ComposeRequest, cookie: Option<&str>) -> Composed {
        let path = request.url.split('?').next().unwrap_or("/");
        let slots = slots(path, &request.manifest);
        let asked = slots.iter().map(|slot| self.ask(slot, request, cookie));
        let answers = join_all(asked).await;

        let mut html = request.page.clone();
        let mut status = 200;
        let mut outcomes = Vec::new();
        for (slot, answer) in slots.iter().zip(answers) {
            match answer {
                Ok((release, response, millis, cached)) => {
                    html = fill(
                        &html,
                        &Filled { slot: slot.slot, name: &slot.remote, release: &release, html: &response.html },
                    );
                    if slot.slot == "page" {
                        html = with_head(&html, &response.head, &request.origin, Some((&slot.remote, &release)));
                        status = response.head.status.unwrap_or(200);
                    } else {
                        html = with_head(&html, &Head::default(), &request.origin, Some((&slot.remote, &release)));
                    }
                    outcomes.push(Outcome::Rendered { remote: slot.remote.clone(), millis, cached });
                }
                Err(reason) => outcomes.push(Outcome::Skipped { remote: slot.remote.clone(), reason }),
            }
        }
        if outcomes.iter().any(|o| matches!(o, Outcome::Rendered { .. })) {
            html = crate::page::without_wasm_preload(&html);
        }
        Composed { html, status, outcomes }
    }

    /// One slot's fragment, or why there is none.
    async fn ask(
        &self,
        slot: &Slot,
        request: &ComposeRequest,
        cookie: Option<&str>,
    ) -> Result<(Release, FragmentResponse, u128, bool), String> {
        let entry = request.manifest.entry(&slot.remote).ok_or("not in the manifest")?;
        let release =
            entry.release_for(contracts::CONTRACTS_MAJOR).ok_or("no release for this shell's contracts")?.clone();
        let server = release.server.clone().ok_or("no server half")?;
        let fragment_request = FragmentRequest {
            url: request.url.clone(),
            origin: request.origin.clone(),
            context: request.context.clone(),
        };
        let key = format!("{server}\n{}", serde_json::to_string(&fragment_request).unwrap_or_default());
        if let Some(response) = self.shared.get(&key) {
            return Ok((release, response, 0, true));
        }
        let started = Instant::now();
        let mut call =
            self.client.post(format!("{}{FRAGMENT_PATH}", server.trim_end_matches('/'))).json(&fragment_request);
        if let Some(cookie) = cookie {
            call = call.header(reqwest::header::COOKIE, cookie);
        }
        let answered = tokio::time::timeout(self.budget, async {
            let response = call.send().await.map_err(|e| format!("unreachable ({e})"))?;
            if !response.status().is_success() {
                // A server half says why (e.g. a page it leaves to the browser by design).
                let status = response.status();
                let why: String = response.text().await.unwrap_or_default().chars().take(120).collect();
                return Err(if why.is_empty() {
                    format!("answered {status}")
                } else {
                    format!("answered {status}: {why}")
                });
            }
            response.json::<FragmentResponse>().await.map_err(|e| format!("unreadable answer ({e})"))
        })
        .await
        .map_err(|_| format!("no answer within {} ms", self.budget.as_millis()))??;
        // The browser half takes over the server's markup: it must be the same release.
        if answered.version != release.version {
            return Err(format!("rendered by {} while the page loads {}", answered.version, release.version));
        }
        if answered.shared_max_age > 0 {
            self.shared.put(key, answered.clone(), Duration::from_secs(answered.shared_max_age.into()));
        }
        Ok((release, answered, started.elapsed().as_millis(), false))
    }
}

/// The `Server-Timing` value that tells the browser (and the inspector) what the composer did.
pub fn server_timing(outcomes: &[Outcome]) -> String {
    outcomes
        .iter()
        .map(|outcome| match outcome {
            Outcome::Rendered { remote, millis, cached } => {
                format!(r#"fragment-{remote};dur={millis};desc="{}""#, if *cached { "shared" } else { "rendered" })
            }
            Outcome::Skipped { remote, reason } => {
                // A header value: printable ASCII only, and no quote that would end the string.
                let reason: String = reason
                    .chars()
                    .filter(|c| c.is_ascii_graphic() || *c == ' ')
                    .map(|c| if c == '"' || c == '\\' { '\'' } else { c })
                    .collect();
                format!(r#"fragment-{remote};desc="browser: {reason}""#)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_has_the_header_fragment_and_its_owner() {
        let manifest = RemoteManifest { remotes: Vec::new() };
        assert_eq!(
            slots("/categories/tractors", &manifest),
            vec![
                Slot { slot: "page", remote: "catalog".into() },
                Slot { slot: CART_SUMMARY, remote: CART_SUMMARY.into() }
            ]
        );
        assert_eq!(slots("/sign-in", &manifest), vec![Slot { slot: CART_SUMMARY, remote: CART_SUMMARY.into() }]);
    }

    #[test]
    fn a_reason_from_a_server_half_stays_a_valid_header() {
        let outcome =
            Outcome::Skipped { remote: "checkout".into(), reason: "answered 501: \"the steps\" write\n, ünï".into() };
        let header = server_timing(&[outcome]);
        assert_eq!(header, r#"fragment-checkout;desc="browser: answered 501: 'the steps' write, n""#);
        assert!(reqwest::header::HeaderValue::from_str(&header).is_ok());
    }

    #[test]
    fn server_timing_names_each_outcome() {
        let outcomes = [
            Outcome::Rendered { remote: "catalog".into(), millis: 12, cached: false },
            Outcome::Skipped { remote: "cart-summary".into(), reason: "no \"server\" half".into() },
        ];
        assert_eq!(
            server_timing(&outcomes),
            r#"fragment-catalog;dur=12;desc="rendered", fragment-cart-summary;desc="browser: no 'server' half""#
        );
    }
}

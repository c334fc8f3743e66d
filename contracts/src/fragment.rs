//! Server-side composition: what the composer (the shell team's front door) and a remote's
//! server half say to each other.
//!
//! For a page, the composer asks each remote's server half (its URL is `server` in the remote's
//! manifest release) for the HTML of its slot with one `POST` of a [`FragmentRequest`] to
//! [`FRAGMENT_PATH`], and gets a [`FragmentResponse`] back. The server half renders the same
//! components as its browser half, from the same cart API, and embeds what it read in the
//! fragment (an element with [`STATE_ATTRIBUTE`]), so the browser half takes the slot over
//! without asking the API again.
//!
//! A server half that does not answer within the composer's budget, fails, or answers for
//! another version than the browser release leaves its slot to the browser: the page is then
//! composed exactly as without server rendering.

use serde::{Deserialize, Serialize};

use crate::context::MountContext;
use crate::manifest::RemoteManifest;

/// Where a server half answers [`FragmentRequest`]s (`POST`, JSON both ways).
pub const FRAGMENT_PATH: &str = "/fragment";

/// The attribute of the slot's host element that holds server-rendered HTML, with the
/// `name@version` that rendered it: the browser half replaces that HTML instead of adding to it.
pub const SERVER_RENDERED_ATTRIBUTE: &str = "data-server-rendered";

/// The attribute that marks the shell's wasm preload in its `index.html`. The composer drops it
/// from a page with server-rendered slots, whose shell waits for the page's pictures before it
/// fetches its wasm.
pub const SHELL_WASM_PRELOAD_ATTRIBUTE: &str = "data-shell-wasm";

/// The attribute of the `<script type="application/json">` inside a fragment that carries what
/// the server half read from the API for it.
pub const STATE_ATTRIBUTE: &str = "data-fragment-state";

/// What the composer asks a server half.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FragmentRequest {
    /// The page's path and query, e.g. `/categories/tractors?sort=name`.
    pub url: String,
    /// `scheme://host` the visitor used, for absolute links in the head (JSON-LD, canonical).
    #[serde(default)]
    pub origin: String,
    /// The same context the browser half gets from `mount`.
    pub context: MountContext,
}

/// A server half's answer: its slot's HTML and what it says about the page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct FragmentResponse {
    /// The version of the remote that rendered it: the composer uses the fragment only when it
    /// matches the browser release the page will load, so the takeover meets its own markup.
    pub version: String,
    /// The slot's HTML, state block included.
    pub html: String,
    /// What the page's `<head>` says, for search engines and link previews.
    #[serde(default)]
    pub head: Head,
    /// How long (seconds) the composer may reuse this answer for the same request from any
    /// visitor; `0` (the default) means never.
    #[serde(default)]
    pub shared_max_age: u32,
}

/// A page's `<head>` as the remote that owns the page describes it. Empty fields keep the
/// shell's defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Head {
    pub title: Option<String>,
    pub description: Option<String>,
    /// The page's canonical path, e.g. `/products/1`.
    pub canonical: Option<String>,
    /// A JSON-LD document (`schema.org`), as JSON text.
    pub json_ld: Option<String>,
    /// The HTTP status of the page (e.g. 404 for a product that does not exist); 200 if absent.
    pub status: Option<u16>,
}

/// The header of the composer's answer that names the remotes whose slots it rendered
/// (comma-separated).
pub const RENDERED_HEADER: &str = "server-rendered";

/// Where the composer answers [`ComposeRequest`]s (`POST`, JSON in, the page's HTML out).
pub const COMPOSE_PATH: &str = "/compose";

/// What the server that received a page request (the store's front door) asks the composer:
/// the page as it would send it without server rendering, and everything the composer needs to
/// fill its slots. The composer owns no session and reads no database: all of it is here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ComposeRequest {
    /// The page's path and query.
    pub url: String,
    /// `scheme://host` the visitor used, for canonical links.
    pub origin: String,
    /// The shell's `index.html`, already carrying the visitor's theme, language and identity.
    pub page: String,
    pub context: MountContext,
    /// The manifest as this session sees it (canaries resolved).
    pub manifest: RemoteManifest,
}

/// Escapes text for HTML text and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// JSON text made safe to sit inside a `<script>` element: `<` never appears as it is, so no
/// value can close the element.
pub fn script_json(json: &str) -> String {
    json.replace('<', "\\u003c")
}

/// The state block a server half embeds in its fragment: `value` as JSON in a
/// `<script type="application/json" data-fragment-state>`.
pub fn state_block<T: Serialize>(value: &T) -> String {
    let json = serde_json::to_string(value).unwrap_or_else(|_| "null".into());
    format!(r#"<script type="application/json" {STATE_ATTRIBUTE}>{}</script>"#, script_json(&json))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_block_cannot_close_its_script() {
        let block = state_block(&vec!["</script><script>alert(1)</script>"]);
        assert_eq!(block.matches("</script>").count(), 1, "{block}");
        assert!(block.starts_with(r#"<script type="application/json" data-fragment-state>"#));
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape_html(r#"<a href="x">Tom & 'Jerry'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn an_old_answer_without_head_still_reads() {
        let answer: FragmentResponse = serde_json::from_str(r#"{"version":"0.1.0","html":"<p>hi</p>"}"#).unwrap();
        assert_eq!(answer.head, Head::default());
        assert_eq!(answer.shared_max_age, 0);
    }
}

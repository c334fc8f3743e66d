//! Writing fragments into the shell's page. The page marks each place a remote may fill with
//! `data-slot` (see `shell/index.html`): `page` for the page's remote, `cart-summary` for the
//! header fragment. Everything here is plain text work on markup the shell team wrote itself.

use contracts::fragment::{escape_html, script_json, Head, SERVER_RENDERED_ATTRIBUTE};
use contracts::manifest::Release;

/// One server-rendered slot: which remote, which release, and its HTML.
#[derive(Debug, Clone)]
pub struct Filled<'a> {
    pub slot: &'a str,
    pub name: &'a str,
    pub release: &'a Release,
    pub html: &'a str,
}

/// The page with `fragment` in its slot: the slot's element becomes the one the shell would
/// render for the remote (`data-remote`, so the remote's scoped stylesheet applies), holding the
/// server's HTML in a host marked [`SERVER_RENDERED_ATTRIBUTE`]. A page without that slot is
/// returned as it is.
pub fn fill(page: &str, fragment: &Filled) -> String {
    let open = format!(r#"data-slot="{}""#, fragment.slot);
    let Some(at) = page.find(&open) else { return page.to_string() };
    let Some(start) = page[..at].rfind('<') else { return page.to_string() };
    let tag_end = match page[at..].find('>') {
        Some(end) => at + end + 1,
        None => return page.to_string(),
    };
    let tag_name: String = page[start + 1..].chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
    let close = format!("</{tag_name}>");
    let Some(close_at) = page[tag_end..].find(&close).map(|i| tag_end + i) else { return page.to_string() };
    let opening = &page[start..tag_end];
    // The slot's own element keeps its classes; it gains the remote's name and version.
    let opening = opening.replacen(
        &open,
        &format!(
            r#"{open} data-remote="{}" data-version="{}""#,
            escape_html(fragment.name),
            escape_html(&fragment.release.version)
        ),
        1,
    );
    let host = format!(
        r#"<div class="remote-host" {SERVER_RENDERED_ATTRIBUTE}="{}@{}">{}</div>"#,
        escape_html(fragment.name),
        escape_html(&fragment.release.version),
        fragment.html
    );
    format!("{}{opening}{host}{}", &page[..start], &page[close_at..])
}

/// The page's `<head>` as the page's remote describes it, plus the remote's stylesheet, which a
/// server-rendered slot needs before its first paint (the shell would only add it later).
pub fn with_head(page: &str, head: &Head, origin: &str, stylesheet: Option<(&str, &Release)>) -> String {
    let mut page = page.to_string();
    if let Some(title) = &head.title {
        page = replace_between(&page, "<title>", "</title>", &escape_html(title));
    }
    if let Some(description) = &head.description {
        page = replace_between(&page, r#"<meta name="description" content=""#, r#"""#, &escape_html(description));
    }
    let mut extra = String::new();
    if let Some(canonical) = &head.canonical {
        extra.push_str(&format!(
            r#"<link rel="canonical" href="{}{}" />"#,
            escape_html(origin),
            escape_html(canonical)
        ));
    }
    if let Some(json_ld) = &head.json_ld {
        extra.push_str(&format!(r#"<script type="application/ld+json">{}</script>"#, script_json(json_ld)));
    }
    if let Some((name, release)) = stylesheet {
        if let Some(css) = &release.css {
            let integrity = release
                .integrity
                .css
                .as_deref()
                .map(|i| format!(r#" integrity="{}""#, escape_html(i)))
                .unwrap_or_default();
            extra.push_str(&format!(
                r#"<link id="remote-css-{}" rel="stylesheet" href="{}" crossorigin="anonymous"{integrity} />"#,
                escape_html(name),
                escape_html(css)
            ));
        }
    }
    page.replacen("</head>", &format!("{extra}</head>"), 1)
}

/// The page without the shell's wasm preload: once a slot is server-rendered the wasm is no
/// longer on the way to the first paint, and must not take the network from the page's pictures.
pub fn without_wasm_preload(page: &str) -> String {
    let marker = contracts::fragment::SHELL_WASM_PRELOAD_ATTRIBUTE;
    let Some(at) = page.find(marker) else { return page.to_string() };
    let Some(start) = page[..at].rfind('<') else { return page.to_string() };
    let Some(end) = page[at..].find('>').map(|i| at + i + 1) else { return page.to_string() };
    format!("{}{}", &page[..start], &page[end..])
}

/// `page` with the text between the first `start` and the `end` after it replaced.
fn replace_between(page: &str, start: &str, end: &str, with: &str) -> String {
    let Some(from) = page.find(start).map(|i| i + start.len()) else { return page.to_string() };
    let Some(to) = page[from..].find(end).map(|i| from + i) else { return page.to_string() };
    format!("{}{with}{}", &page[..from], &page[to..])
}

#[cfg(test)]
mod tests {
    use contracts::manifest::Integrity;

    use super::*;

    const PAGE: &str = r#"<html><head><meta name="description" content="A store." /><title>Tractor &amp; Co.</title></head><body><div id="shell-frame"><main class="shell-main"><section class="remote-slot" data-slot="page"><div class="slot-loading">Loading…</div></section></main></div></body></html>"#;

    fn release() -> Release {
        Release {
            version: "0.2.0".into(),
            contracts_major: 1,
            js: "/c.js".into(),
            wasm: "/c.wasm".into(),
            css: Some("/c.css".into()),
            server: Some("http://127.0.0.1:1".into()),
            integrity: Integrity { js: "sha384-j".into(), wasm: "sha384-w".into(), css: Some("sha384-c".into()) },
        }
    }

    #[test]
    fn a_fragment_takes_its_slot_and_the_loading_line_goes() {
        let release = release();
        let page = fill(PAGE, &Filled { slot: "page", name: "catalog", release: &release, html: "<h1>All</h1>" });
        assert!(
            page.contains(r#"<section class="remote-slot" data-slot="page" data-remote="catalog" data-version="0.2.0"><div class="remote-host" data-server-rendered="catalog@0.2.0"><h1>All</h1></div></section>"#),
            "{page}"
        );
        assert!(!page.contains("Loading"), "{page}");
    }

    #[test]
    fn the_wasm_preload_goes() {
        let page = r#"<head><link rel="icon" href="/i.svg"><link data-shell-wasm rel="preload" href="/shell_bg.wasm" as="fetch"><title>x</title></head>"#;
        assert_eq!(without_wasm_preload(page), r#"<head><link rel="icon" href="/i.svg"><title>x</title></head>"#);
        assert_eq!(without_wasm_preload("<head></head>"), "<head></head>");
    }

    #[test]
    fn a_page_without_the_slot_stays_as_it_is() {
        let release = release();
        let page = fill(PAGE, &Filled { slot: "cart-summary", name: "cart-summary", release: &release, html: "x" });
        assert_eq!(page, PAGE);
    }

    #[test]
    fn the_head_says_what_the_remote_says_escaped() {
        let head = Head {
            title: Some("Tractors <b> · Tractor & Co.".into()),
            description: Some("12 \"products\"".into()),
            canonical: Some("/categories/tractors".into()),
            json_ld: Some(r#"{"name":"</script>"}"#.into()),
            status: None,
        };
        let release = release();
        let page = with_head(PAGE, &head, "https://shop.example", Some(("catalog", &release)));
        assert!(page.contains("<title>Tractors &lt;b&gt; · Tractor &amp; Co.</title>"), "{page}");
        assert!(page.contains(r#"content="12 &quot;products&quot;""#), "{page}");
        assert!(page.contains(r#"<link rel="canonical" href="https://shop.example/categories/tractors" />"#), "{page}");
        assert_eq!(page.matches("</script>").count(), 1, "{page}");
        assert!(page.contains(r#"<link id="remote-css-catalog" rel="stylesheet" href="/c.css" crossorigin="anonymous" integrity="sha384-c" />"#), "{page}");
    }
}

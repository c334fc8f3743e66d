//! Route contracts: which remote owns which URL, and how to build the URLs others link to.
//!
//! The URL is the one state every remote may read. The shell routes on the path to pick a
//! remote; the remote that owns a path owns the meaning of its query string.

use serde::{Deserialize, Serialize};

/// The independently deployed remotes the shell knows how to host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Remote {
    Catalog,
    ProductDetails,
    Cart,
    Checkout,
}

impl Remote {
    pub const ALL: [Remote; 4] = [Remote::Catalog, Remote::ProductDetails, Remote::Cart, Remote::Checkout];

    /// The name used in the manifest, in `dist/remotes/<name>/` and in the event log.
    pub fn name(self) -> &'static str {
        match self {
            Remote::Catalog => "catalog",
            Remote::ProductDetails => "product-details",
            Remote::Cart => "cart",
            Remote::Checkout => "checkout",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.name() == name)
    }

    /// Which remote owns a path: `/`, `/categories/:slug` and `/search` are the catalog's,
    /// `/products/:id` product details', `/cart` the cart's, `/checkout` and below and `/orders`
    /// and below checkout's. `/sign-in` is the shell's own page.
    pub fn owning(path: &str) -> Option<Self> {
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        match segments.as_slice() {
            [""] | ["search"] | ["categories", _] => Some(Remote::Catalog),
            ["products", _] => Some(Remote::ProductDetails),
            ["cart"] => Some(Remote::Cart),
            ["checkout", ..] | ["orders", ..] => Some(Remote::Checkout),
            _ => None,
        }
    }
}

/// `/products/{id}`, optionally with the chosen variant.
pub fn product_path(id: u32, variant: Option<&str>) -> String {
    match variant {
        Some(v) => format!("/products/{id}?variant={}", encode_component(v)),
        None => format!("/products/{id}"),
    }
}

pub const CART_PATH: &str = "/cart";
/// The cart team's header fragment (count and subtotal), deployed as its own remote bundle and
/// mounted by the shell on every page.
pub const CART_SUMMARY: &str = "cart-summary";
pub const CHECKOUT_PATH: &str = "/checkout";
pub const ORDERS_PATH: &str = "/orders";
/// The shell's sign-in page; `returnTo` says where to go back to afterwards.
pub const SIGN_IN_PATH: &str = "/sign-in";

/// `/sign-in?returnTo=<path>`, e.g. from checkout when nobody is signed in.
pub fn sign_in_path(return_to: &str) -> String {
    format!("{SIGN_IN_PATH}?returnTo={}", encode_component(return_to))
}

/// Where to go after signing in: the `returnTo` of `search` if it is a same-origin path, else
/// the home page (never another site: that would be an open redirect).
pub fn return_to(search: &str) -> String {
    query_param(search, "returnTo").filter(|path| check_same_origin_path(path).is_ok()).unwrap_or_else(|| "/".into())
}

/// The steps of checkout, each with its own URL.
pub fn checkout_step_path(step: &str) -> String {
    format!("{CHECKOUT_PATH}/{step}")
}

/// `/checkout/confirmation/{orderId}`
pub fn confirmation_path(order_id: &str) -> String {
    format!("{CHECKOUT_PATH}/confirmation/{}", encode_component(order_id))
}

/// Parses the `:id` of `/products/:id`.
pub fn parse_product_path(path: &str) -> Option<u32> {
    let id = path.strip_prefix("/products/")?.trim_end_matches('/');
    // Leading '+' or zeros would give one product many URLs.
    if id.is_empty() || id.starts_with(['+', '0']) {
        return None;
    }
    id.parse().ok()
}

/// How many products one page of the catalogue lists: the catalog remote asks for pages of this
/// size, and the server announces that request before the remote runs (see [`first_requests`]).
pub const CATALOG_PAGE_SIZE: u32 = crate::api::DEFAULT_PAGE_SIZE;

/// The API requests the remote owning a page makes first, so that the server can announce them as
/// preloads (`Link: rel=preload`) and the answers are on their way while the remote still loads.
/// They must be exactly the remotes' own requests, or the browser fetches twice: the remotes build
/// their URLs with the same functions.
pub fn first_requests(path: &str, search: &str) -> Vec<String> {
    match Remote::owning(path) {
        Some(Remote::Catalog) => vec![
            format!("/api/products?{}", CatalogQuery::from_url(path, search).api_query(CATALOG_PAGE_SIZE)),
            CATEGORIES_API.to_string(),
        ],
        Some(Remote::ProductDetails) => parse_product_path(path).map(|id| vec![product_api(id)]).unwrap_or_default(),
        Some(Remote::Cart) => vec![CART_API.to_string()],
        _ => Vec::new(),
    }
}

/// `GET /api/categories`
pub const CATEGORIES_API: &str = "/api/categories";
/// `GET /api/cart`
pub const CART_API: &str = "/api/cart";

/// Add to cart without JavaScript: the product page's form posts `product_id`, `variant_id`,
/// `quantity` and `idempotency_key` here (`application/x-www-form-urlencoded`). The cart API
/// adds the item with the same rules as `POST /api/cart/items` and answers `303 See Other`: to
/// the cart page, or back to the product page with `?problem=` and a [`FormProblem`].
pub const ADD_TO_CART_FORM: &str = "/cart/items";

/// Why a form was not accepted, in the `problem` query parameter of the page it returns to. A
/// code, not a text: the page says it in the visitor's language, and a link cannot make the
/// store show words of someone else's choosing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormProblem {
    /// The quantity is not a whole number the cart allows.
    Quantity,
    /// Not that many are in stock.
    Stock,
    /// The product or variant does not exist.
    Unknown,
    /// Anything else (the store is busy, a database error): trying again may work.
    Failed,
}

impl FormProblem {
    pub fn code(self) -> &'static str {
        match self {
            FormProblem::Quantity => "quantity",
            FormProblem::Stock => "stock",
            FormProblem::Unknown => "unknown",
            FormProblem::Failed => "failed",
        }
    }

    /// The problem a page URL's `search` names, if it names one this version knows.
    pub fn in_search(search: &str) -> Option<FormProblem> {
        match query_param(search, "problem")?.as_str() {
            "quantity" => Some(FormProblem::Quantity),
            "stock" => Some(FormProblem::Stock),
            "unknown" => Some(FormProblem::Unknown),
            "failed" => Some(FormProblem::Failed),
            _ => None,
        }
    }

    /// `path` (which may have a query already) naming this problem.
    pub fn on(self, path: &str) -> String {
        let separator = if path.contains('?') { '&' } else { '?' };
        format!("{path}{separator}problem={}", self.code())
    }
}

/// `GET /api/products/{id}`
pub fn product_api(id: u32) -> String {
    format!("/api/products/{id}")
}

/// `/api/products/{id}/recommendations`, with the chosen variant.
pub fn recommendations_api(id: u32, variant: Option<&str>) -> String {
    match variant {
        Some(v) => format!("/api/products/{id}/recommendations?variant={}", encode_component(v)),
        None => format!("/api/products/{id}/recommendations"),
    }
}

/// The catalog's URL state: `/`, `/categories/:slug` or `/search`, plus its query string
/// (`q`, `sort`, `page`, `minPrice`, `maxPrice` in minor units, `variant`, `inStock`). The catalog
/// remote owns its meaning; everyone else may link to it with [`CatalogQuery::to_url`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CatalogQuery {
    pub category: Option<String>,
    pub q: Option<String>,
    pub sort: Option<String>,
    pub page: Option<u32>,
    pub min_price: Option<i64>,
    pub max_price: Option<i64>,
    /// A variant name the products must have, e.g. `Red` or `XL` (the API ignores case).
    pub variant: Option<String>,
    pub in_stock: bool,
}

impl CatalogQuery {
    /// Reads the state from a URL. Values that do not parse are dropped, not guessed at.
    pub fn from_url(path: &str, search: &str) -> Self {
        let category = path
            .strip_prefix("/categories/")
            .map(|slug| slug.trim_end_matches('/'))
            .and_then(decode_component)
            .filter(|slug| !slug.is_empty());
        let text = |key| query_param(search, key).filter(|v| !v.trim().is_empty());
        Self {
            category,
            q: text("q"),
            sort: text("sort"),
            page: text("page").and_then(|p| p.parse().ok()).filter(|p| *p > 1),
            min_price: text("minPrice").and_then(|p| p.parse().ok()),
            max_price: text("maxPrice").and_then(|p| p.parse().ok()),
            variant: text("variant"),
            in_stock: query_param(search, "inStock").as_deref() == Some("true"),
        }
    }

    /// The query-string pairs, in a stable order (without the category, which is in the path).
    fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if let Some(q) = &self.q {
            pairs.push(("q", q.clone()));
        }
        if let Some(sort) = &self.sort {
            pairs.push(("sort", sort.clone()));
        }
        if let Some(min) = self.min_price {
            pairs.push(("minPrice", min.to_string()));
        }
        if let Some(max) = self.max_price {
            pairs.push(("maxPrice", max.to_string()));
        }
        if let Some(variant) = &self.variant {
            pairs.push(("variant", variant.clone()));
        }
        if self.in_stock {
            pairs.push(("inStock", "true".into()));
        }
        if let Some(page) = self.page.filter(|p| *p > 1) {
            pairs.push(("page", page.to_string()));
        }
        pairs
    }

    fn query_string(pairs: &[(&str, String)]) -> String {
        pairs.iter().map(|(k, v)| format!("{k}={}", encode_component(v))).collect::<Vec<_>>().join("&")
    }

    /// The URL a browser shows for this state.
    pub fn to_url(&self) -> String {
        let path = match (&self.category, &self.q) {
            (Some(slug), _) => format!("/categories/{}", encode_component(slug)),
            (None, Some(_)) => "/search".to_string(),
            (None, None) => "/".to_string(),
        };
        let query = Self::query_string(&self.pairs());
        if query.is_empty() {
            path
        } else {
            format!("{path}?{query}")
        }
    }

    /// The query string of `GET /api/products` for this state.
    pub fn api_query(&self, page_size: u32) -> String {
        let mut pairs = self.pairs();
        if let Some(category) = &self.category {
            pairs.push(("category", category.clone()));
        }
        pairs.push(("pageSize", page_size.to_string()));
        Self::query_string(&pairs)
    }

    /// The same state on another page.
    pub fn with_page(&self, page: u32) -> Self {
        Self { page: Some(page), ..self.clone() }
    }
}

/// Reads one parameter from a query string (`?a=1&b=2` or `a=1&b=2`), percent-decoded.
pub fn query_param(search: &str, key: &str) -> Option<String> {
    search
        .trim_start_matches('?')
        .split('&')
        .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
        .find(|(k, _)| decode_component(k).as_deref() == Some(key))
        .and_then(|(_, v)| decode_component(v))
}

/// Checks that a URL is a path on this origin (`/...`), so a navigation request cannot leave
/// the store or run script.
pub fn check_same_origin_path(url: &str) -> Result<(), String> {
    if !url.starts_with('/') || url.starts_with("//") || url.starts_with("/\\") {
        return Err(format!("{url:?} is not a same-origin path"));
    }
    if url.chars().any(|c| c.is_control()) {
        return Err("url contains control characters".into());
    }
    Ok(())
}

/// Percent-encodes a query component (RFC 3986 unreserved characters pass through).
pub fn encode_component(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// Decodes a query component (`+` is a space); `None` when it is not valid percent-encoded UTF-8.
pub fn decode_component(value: &str) -> Option<String> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod first_request_tests {
    use super::*;

    #[test]
    fn each_page_announces_what_its_remote_asks_first() {
        assert_eq!(first_requests("/", ""), ["/api/products?pageSize=12", "/api/categories"]);
        assert_eq!(
            first_requests("/categories/tractors", "?sort=price-asc&page=2"),
            ["/api/products?sort=price-asc&page=2&category=tractors&pageSize=12", "/api/categories"]
        );
        assert_eq!(first_requests("/products/7", "?variant=red"), ["/api/products/7"]);
        assert_eq!(first_requests("/cart", ""), ["/api/cart"]);
        assert!(first_requests("/products/nope", "").is_empty());
        assert!(first_requests("/sign-in", "").is_empty());
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_form_problem_travels_as_a_code_in_the_url() {
        for problem in [FormProblem::Quantity, FormProblem::Stock, FormProblem::Unknown, FormProblem::Failed] {
            let url = problem.on("/products/1?variant=red");
            assert_eq!(url, format!("/products/1?variant=red&problem={}", problem.code()));
            assert_eq!(FormProblem::in_search(url.split_once('?').map(|(_, q)| q).unwrap_or_default()), Some(problem));
        }
        assert_eq!(FormProblem::Stock.on("/products/1"), "/products/1?problem=stock");
        assert_eq!(FormProblem::in_search("?problem=<script>"), None, "only known codes");
    }

    use super::*;

    #[test]
    fn every_app_path_has_one_owner() {
        let cases = [
            ("/", Some(Remote::Catalog)),
            ("/search", Some(Remote::Catalog)),
            ("/categories/tractors", Some(Remote::Catalog)),
            ("/products/12", Some(Remote::ProductDetails)),
            ("/cart", Some(Remote::Cart)),
            ("/checkout", Some(Remote::Checkout)),
            ("/checkout/payment", Some(Remote::Checkout)),
            ("/nowhere", None),
            ("/categories", None),
        ];
        for (path, owner) in cases {
            assert_eq!(Remote::owning(path), owner, "{path}");
        }
    }

    #[test]
    fn sign_in_returns_only_to_this_site() {
        assert_eq!(
            return_to(&format!("?{}", sign_in_path("/checkout/address").split_once('?').unwrap().1)),
            "/checkout/address"
        );
        for hostile in
            ["?returnTo=https%3A%2F%2Fevil.test", "?returnTo=%2F%2Fevil.test", "?returnTo=javascript:alert(1)", ""]
        {
            assert_eq!(return_to(hostile), "/", "{hostile}");
        }
        assert_eq!(Remote::owning("/orders"), Some(Remote::Checkout));
        assert_eq!(Remote::owning("/checkout/confirmation/ord_1"), Some(Remote::Checkout));
        assert_eq!(Remote::owning("/sign-in"), None);
    }

    #[test]
    fn remote_names_round_trip() {
        for remote in Remote::ALL {
            assert_eq!(Remote::from_name(remote.name()), Some(remote));
        }
    }

    #[test]
    fn product_paths_round_trip() {
        for id in [1, 42, u32::MAX] {
            assert_eq!(parse_product_path(&product_path(id, None)), Some(id));
        }
        for bad in ["/products/", "/products/abc", "/products/-1", "/products/007", "/products/+7", "/cart"] {
            assert_eq!(parse_product_path(bad), None, "{bad}");
        }
        assert_eq!(product_path(3, Some("dark green")), "/products/3?variant=dark%20green");
    }

    #[test]
    fn query_params_are_decoded() {
        assert_eq!(query_param("?variant=dark%20green&x=1", "variant").as_deref(), Some("dark green"));
        assert_eq!(query_param("q=red+tractor", "q").as_deref(), Some("red tractor"));
        assert_eq!(query_param("?flag", "flag").as_deref(), Some(""));
        assert_eq!(query_param("?a=1", "b"), None);
        assert_eq!(query_param("?a=%E0%A4", "a"), None, "invalid UTF-8 is refused, not mangled");
        for s in ["plain", "dark green", "ä+ö/&=?#"] {
            assert_eq!(decode_component(&encode_component(s)).as_deref(), Some(s));
        }
    }

    #[test]
    fn catalog_urls_round_trip() {
        let query = CatalogQuery {
            category: Some("tractors".into()),
            q: Some("red & green".into()),
            sort: Some("price-asc".into()),
            page: Some(2),
            min_price: Some(1000),
            max_price: Some(90000),
            variant: Some("Dark green".into()),
            in_stock: true,
        };
        let url = query.to_url();
        assert_eq!(
            url,
            "/categories/tractors?q=red%20%26%20green&sort=price-asc&minPrice=1000&maxPrice=90000&variant=Dark%20green&inStock=true&page=2"
        );
        let (path, search) = url.split_once('?').unwrap();
        assert_eq!(CatalogQuery::from_url(path, &format!("?{search}")), query);
        assert_eq!(CatalogQuery::from_url("/", ""), CatalogQuery::default());
        assert_eq!(CatalogQuery::default().to_url(), "/");
        let search_only = CatalogQuery { q: Some("hat".into()), ..Default::default() };
        assert_eq!(search_only.to_url(), "/search?q=hat");
    }

    #[test]
    fn catalog_urls_drop_what_does_not_parse() {
        let query = CatalogQuery::from_url("/search", "?q=%20&page=abc&minPrice=x&variant=+&inStock=yes");
        assert_eq!(query, CatalogQuery::default());
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    fn text() -> impl Strategy<Value = Option<String>> {
        // Any Unicode, but not blank: a blank value means "not set" in a URL.
        proptest::option::of("\\PC{1,20}".prop_filter("not blank", |s| !s.trim().is_empty()))
    }

    proptest! {
        #[test]
        fn catalog_query_round_trips_through_its_url(
            category in proptest::option::of("[a-z0-9-]{1,20}"),
            q in text(),
            sort in text(),
            page in proptest::option::of(2u32..10_000),
            min_price in proptest::option::of(0i64..1_000_000),
            max_price in proptest::option::of(0i64..1_000_000),
            variant in text(),
            in_stock in any::<bool>(),
        ) {
            let query = CatalogQuery { category, q, sort, page, min_price, max_price, variant, in_stock };
            let url = query.to_url();
            let (path, search) = url.split_once('?').map(|(p, s)| (p.to_string(), format!("?{s}"))).unwrap_or((url.clone(), String::new()));
            prop_assert_eq!(CatalogQuery::from_url(&path, &search), query);
        }

        #[test]
        fn product_urls_round_trip(id in 1u32.., variant in proptest::option::of("\\PC{1,12}")) {
            let url = product_path(id, variant.as_deref());
            let (path, search) = url.split_once('?').unwrap_or((&url, ""));
            prop_assert_eq!(parse_product_path(path), Some(id));
            prop_assert_eq!(query_param(search, "variant"), variant);
        }

        #[test]
        fn query_parsing_never_panics(search in "\\PC{0,60}") {
            let _ = CatalogQuery::from_url("/search", &search);
            let _ = query_param(&search, "q");
        }
    }
}

//! The filter form's values: prices typed in major units (the URL and the API speak minor
//! units) and the variant names a visitor can filter by.

/// The currency of every catalogue price. The form converts what is typed with its exponent.
pub const CURRENCY: &str = "EUR";

/// The distinct variant names of the catalogue (`cart-api/fixtures/catalog.json`), in the order
/// the filter offers them. The URL carries them lowercased (`variant=xl`); the API ignores case.
pub const VARIANTS: [&str; 10] = ["Red", "Green", "Blue", "Orange", "Yellow", "S", "M", "L", "XL", "Standard"];

/// The highest price the form accepts, in major units: far above any product, far below
/// where minor units could overflow.
const MAX_MAJOR: i64 = 1_000_000_000;

/// Parses a price typed in major units (`25`, `19.99`, `19,99`) into minor units with
/// `exponent` decimals. Empty is `Ok(None)` (no bound); anything else that is not a
/// non-negative amount with at most `exponent` decimals is `Err`.
pub fn parse_major(text: &str, exponent: u32) -> Result<Option<i64>, ()> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let (whole, fraction) = text.split_once(['.', ',']).unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !digits(whole) || !digits(fraction) {
        return Err(());
    }
    if fraction.len() > exponent as usize || whole.len() > 10 {
        return Err(());
    }
    let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| ())? };
    if whole > MAX_MAJOR {
        return Err(());
    }
    let scale = 10i64.pow(exponent);
    let fraction: i64 = format!("{fraction:0<width$}", width = exponent as usize).parse().unwrap_or(0);
    Ok(Some(whole * scale + fraction))
}

/// Minor units as the form shows them: `25` or `19.99` (the number input's own format, whatever
/// the locale).
pub fn format_major(minor: i64, exponent: u32) -> String {
    let scale = 10i64.pow(exponent);
    let (whole, fraction) = (minor / scale, (minor % scale).abs());
    if fraction == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{fraction:0width$}", width = exponent as usize)
    }
}

/// The names of the price fields of the filter form, in major units as typed. With JavaScript the
/// form never leaves the page (the remote converts and navigates); without it the browser sends
/// them in the URL, and [`query_of`] reads them into the minor units the rest of the URL uses.
pub const MIN_FIELD: &str = "min";
pub const MAX_FIELD: &str = "max";

/// The catalog's state for a URL, including a filter form a browser without JavaScript sent.
pub fn query_of(path: &str, search: &str) -> contracts::routes::CatalogQuery {
    let mut query = contracts::routes::CatalogQuery::from_url(path, search);
    let exponent = contracts::api::Money::new(0, CURRENCY).exponent();
    let typed = |field| contracts::routes::query_param(search, field).map(|text| parse_major(&text, exponent));
    // What was typed wins over an older bound of the URL; what does not parse is dropped.
    if let Some(min) = typed(MIN_FIELD) {
        query.min_price = min.unwrap_or(None);
    }
    if let Some(max) = typed(MAX_FIELD) {
        query.max_price = max.unwrap_or(None);
    }
    query
}

/// The URL value of a variant name.
pub fn variant_value(name: &str) -> String {
    name.to_lowercase()
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    #[wasm_bindgen_test]
    fn prices_are_read_in_major_units() {
        assert_eq!(parse_major("", 2), Ok(None));
        assert_eq!(parse_major("  ", 2), Ok(None));
        assert_eq!(parse_major("25", 2), Ok(Some(2500)));
        assert_eq!(parse_major("19.99", 2), Ok(Some(1999)));
        assert_eq!(parse_major("19,9", 2), Ok(Some(1990)));
        assert_eq!(parse_major(".5", 2), Ok(Some(50)));
        assert_eq!(parse_major("7", 0), Ok(Some(7)));
        for bad in ["-1", "1.999", "abc", "1e3", ".", "1.2.3", "99999999999", "+5"] {
            assert_eq!(parse_major(bad, 2), Err(()), "{bad}");
        }
    }

    #[wasm_bindgen_test]
    fn a_filter_form_sent_without_javascript_reads_as_the_url_would() {
        let query = query_of("/categories/tractors", "?q=red&min=10.50&max=&variant=red&inStock=true");
        assert_eq!((query.min_price, query.max_price), (Some(1050), None));
        assert_eq!(query.to_url(), "/categories/tractors?q=red&minPrice=1050&variant=red&inStock=true");
        assert_eq!(query_of("/", "?minPrice=200").min_price, Some(200), "the URL's own bound");
        assert_eq!(query_of("/", "?minPrice=200&min=abc").min_price, None, "a typed bound that does not parse");
    }

    #[wasm_bindgen_test]
    fn prices_round_trip_through_the_form() {
        for minor in [0, 5, 50, 1999, 2500, 4_200_000] {
            assert_eq!(parse_major(&format_major(minor, 2), 2), Ok(Some(minor)), "{minor}");
        }
        assert_eq!(format_major(2500, 2), "25");
        assert_eq!(format_major(1905, 2), "19.05");
    }
}

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
    fn prices_round_trip_through_the_form() {
        for minor in [0, 5, 50, 1999, 2500, 4_200_000] {
            assert_eq!(parse_major(&format_major(minor, 2), 2), Ok(Some(minor)), "{minor}");
        }
        assert_eq!(format_major(2500, 2), "25");
        assert_eq!(format_major(1905, 2), "19.05");
    }
}

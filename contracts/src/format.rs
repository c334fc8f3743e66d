//! Money and dates as the visitor reads them, formatted the same way wherever a page is rendered:
//! on the server (no `Intl` there) and in the browser. One implementation on both sides is what
//! makes server-rendered text and the browser's take-over identical; the browser tests check it
//! against `Intl` for every locale the store offers.
//!
//! Integer arithmetic only: no float formatting through `core::fmt`, which would cost every
//! browser bundle several kilobytes.

use crate::api::Money;
use crate::context::Language;

/// The no-break space `Intl` puts between a German amount and its currency sign.
const NBSP: char = '\u{a0}';

/// `€1,234.50` (en-US) or `1.234,50 €` (de-DE). Currencies without a sign of their own show
/// their code, as `Intl` does.
pub fn money(money: &Money, locale: &str) -> String {
    let language = Language::of(locale);
    let exponent = money.exponent();
    let scale = 10u64.pow(exponent);
    let magnitude = money.amount.unsigned_abs();
    let (major, minor) = (magnitude / scale, magnitude % scale);
    let (group, decimal) = match language {
        Language::En => (',', '.'),
        Language::De => ('.', ','),
    };
    let mut number = grouped(major, group);
    if exponent > 0 {
        number.push(decimal);
        let digits = minor.to_string();
        number.extend(std::iter::repeat_n('0', exponent as usize - digits.len()));
        number.push_str(&digits);
    }
    let sign = if money.amount < 0 { "-" } else { "" };
    let symbol = symbol(&money.currency);
    match (language, symbol) {
        (Language::En, Some(symbol)) => format!("{sign}{symbol}{number}"),
        (Language::En, None) => format!("{sign}{}{NBSP}{number}", money.currency),
        (Language::De, symbol) => format!("{sign}{number}{NBSP}{}", symbol.unwrap_or(&money.currency)),
    }
}

fn symbol(currency: &str) -> Option<&'static str> {
    Some(match currency {
        "EUR" => "€",
        "USD" => "$",
        "GBP" => "£",
        "JPY" => "¥",
        _ => return None,
    })
}

/// `1234567` → `1,234,567`.
fn grouped(value: u64, separator: char) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(digit);
    }
    out
}

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// A server timestamp (milliseconds since the Unix epoch) as a date in UTC: `Nov 26, 2026`
/// (en-US) or `26.11.2026` (de-DE), `Intl`'s `dateStyle: "medium"`. UTC on both sides, so the
/// server and the browser never disagree about the day.
pub fn date(millis: i64, locale: &str) -> String {
    let (year, month, day) = civil_from_days(millis.div_euclid(86_400_000));
    match Language::of(locale) {
        Language::En => format!("{} {day}, {year}", MONTHS[month as usize - 1]),
        Language::De => format!("{day:02}.{month:02}.{year}"),
    }
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar
/// (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_reads_as_intl_writes_it() {
        let eur = |amount| Money::new(amount, "EUR");
        assert_eq!(money(&eur(123_456), "en-US"), "€1,234.56");
        assert_eq!(money(&eur(123_456), "de-DE"), "1.234,56\u{a0}€");
        assert_eq!(money(&eur(5), "en-US"), "€0.05");
        assert_eq!(money(&eur(0), "de-DE"), "0,00\u{a0}€");
        assert_eq!(money(&eur(-490), "en-US"), "-€4.90");
        assert_eq!(money(&eur(100_000_000), "en-US"), "€1,000,000.00");
        assert_eq!(money(&Money::new(1234, "JPY"), "en-US"), "¥1,234");
        assert_eq!(money(&Money::new(1234, "CHF"), "en-US"), "CHF\u{a0}12.34");
        assert_eq!(money(&Money::new(1234, "CHF"), "de-DE"), "12,34\u{a0}CHF");
        // An unknown locale reads as English, like everywhere else.
        assert_eq!(money(&eur(1999), "xx"), "€19.99");
    }

    #[test]
    fn dates_are_utc_days() {
        // 2026-11-26T12:00:00Z
        let noon = 1_795_694_400_000;
        assert_eq!(date(noon, "en-US"), "Nov 26, 2026");
        assert_eq!(date(noon, "de-DE"), "26.11.2026");
        assert_eq!(date(0, "en-US"), "Jan 1, 1970");
        assert_eq!(date(-1, "de-DE"), "31.12.1969");
        assert_eq!(date(951_782_400_000, "en-US"), "Feb 29, 2000");
    }
}

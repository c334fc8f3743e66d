//! Product details' own texts in the locales the store supports (en-US, de-DE).
//!
//! Product and variant names come from the API as they are; only the remote's chrome is here.

/// The locales with texts (the platform's); any other tag falls back to English.
pub use contracts::context::Language as Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Loading,
    LoadFailed,
    TryAgain,
    NotFoundTitle,
    NotFoundText,
    BrowseAll,
    Option,
    SoldOut,
    InStock,
    OutOfStock,
    Quantity,
    AddToCart,
    Adding,
    SoldOutReason,
    RecentlyViewed,
}

/// What the page says when the form sent without JavaScript came back.
pub fn problem(locale: &str, problem: contracts::routes::FormProblem) -> &'static str {
    use contracts::routes::FormProblem::*;
    match (Lang::of(locale), problem) {
        (Lang::En, Quantity) => "Not added: the quantity must be a whole number from 1 to 99.",
        (Lang::De, Quantity) => "Nicht hinzugefügt: Die Menge muss eine ganze Zahl von 1 bis 99 sein.",
        (Lang::En, Stock) => "Not added: not that many are in stock.",
        (Lang::De, Stock) => "Nicht hinzugefügt: So viele sind nicht auf Lager.",
        (Lang::En, Unknown) => "Not added: this product or option does not exist.",
        (Lang::De, Unknown) => "Nicht hinzugefügt: Dieses Produkt oder diese Option gibt es nicht.",
        (Lang::En, Failed) => "Not added: the store could not take it just now. Please try again.",
        (Lang::De, Failed) => "Nicht hinzugefügt: Der Shop konnte es gerade nicht annehmen. Bitte erneut versuchen.",
    }
}

pub fn t(locale: &str, key: Key) -> &'static str {
    use Key::*;
    match (Lang::of(locale), key) {
        (Lang::En, Loading) => "Loading product…",
        (Lang::De, Loading) => "Produkt wird geladen …",
        (Lang::En, LoadFailed) => "The product could not be loaded:",
        (Lang::De, LoadFailed) => "Das Produkt konnte nicht geladen werden:",
        (Lang::En, TryAgain) => "Try again",
        (Lang::De, TryAgain) => "Erneut versuchen",
        (Lang::En, NotFoundTitle) => "Product not found",
        (Lang::De, NotFoundTitle) => "Produkt nicht gefunden",
        (Lang::En, NotFoundText) => "This product does not exist or is no longer sold.",
        (Lang::De, NotFoundText) => "Dieses Produkt gibt es nicht oder nicht mehr.",
        (Lang::En, BrowseAll) => "Browse all products",
        (Lang::De, BrowseAll) => "Alle Produkte ansehen",
        (Lang::En, Option) => "Option",
        (Lang::De, Option) => "Ausführung",
        (Lang::En, SoldOut) => "sold out",
        (Lang::De, SoldOut) => "ausverkauft",
        (Lang::En, InStock) => "In stock",
        (Lang::De, InStock) => "Vorrätig",
        (Lang::En, OutOfStock) => "Out of stock",
        (Lang::De, OutOfStock) => "Ausverkauft",
        (Lang::En, Quantity) => "Quantity",
        (Lang::De, Quantity) => "Menge",
        (Lang::En, AddToCart) => "Add to cart",
        (Lang::De, AddToCart) => "In den Warenkorb",
        (Lang::En, Adding) => "Adding…",
        (Lang::De, Adding) => "Wird hinzugefügt …",
        (Lang::En, SoldOutReason) => "This option is sold out, so it cannot be added to the cart.",
        (Lang::De, SoldOutReason) => "Diese Ausführung ist ausverkauft und kann nicht in den Warenkorb gelegt werden.",
        (Lang::En, RecentlyViewed) => "Recently viewed",
        (Lang::De, RecentlyViewed) => "Zuletzt angesehen",
    }
}

/// "Only 3 left" / "Nur noch 3 vorrätig".
pub fn only_left(locale: &str, n: u32) -> String {
    match Lang::of(locale) {
        Lang::En => format!("Only {n} left"),
        Lang::De => format!("Nur noch {n} vorrätig"),
    }
}

/// The toast after adding.
pub fn added(locale: &str, name: &str) -> String {
    match Lang::of(locale) {
        Lang::En => format!("Added {name} to your cart"),
        Lang::De => format!("{name} liegt jetzt im Warenkorb"),
    }
}

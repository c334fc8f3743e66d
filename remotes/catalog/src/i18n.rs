//! The catalog's own texts in the locales the store supports (en-US, de-DE).
//!
//! Product and category names come from the API as they are; only the remote's chrome is here.

/// The locales with texts (the platform's); any other tag falls back to English.
pub use contracts::context::Language as Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Categories,
    AllProducts,
    Loading,
    LoadFailed,
    TryAgain,
    SearchLabel,
    SearchButton,
    Filters,
    SortLabel,
    SortFeatured,
    SortPriceAsc,
    SortPriceDesc,
    SortName,
    SortNewest,
    MinPrice,
    MaxPrice,
    InStockOnly,
    VariantLabel,
    AnyVariant,
    Apply,
    ClearFilters,
    PriceRangeInvalid,
    PriceInvalid,
    NoMatch,
    InStock,
    OutOfStock,
    Pages,
    Previous,
    Next,
}

pub fn t(locale: &str, key: Key) -> &'static str {
    use Key::*;
    match (Lang::of(locale), key) {
        (Lang::En, Categories) => "Categories",
        (Lang::De, Categories) => "Kategorien",
        (Lang::En, AllProducts) => "All products",
        (Lang::De, AllProducts) => "Alle Produkte",
        (Lang::En, Loading) => "Loading products…",
        (Lang::De, Loading) => "Produkte werden geladen …",
        (Lang::En, LoadFailed) => "The products could not be loaded:",
        (Lang::De, LoadFailed) => "Die Produkte konnten nicht geladen werden:",
        (Lang::En, TryAgain) => "Try again",
        (Lang::De, TryAgain) => "Erneut versuchen",
        (Lang::En, SearchLabel) => "Search products",
        (Lang::De, SearchLabel) => "Produkte suchen",
        (Lang::En, SearchButton) => "Search",
        (Lang::De, SearchButton) => "Suchen",
        (Lang::En, Filters) => "Filters",
        (Lang::De, Filters) => "Filter",
        (Lang::En, SortLabel) => "Sort",
        (Lang::De, SortLabel) => "Sortierung",
        (Lang::En, SortFeatured) => "Featured",
        (Lang::De, SortFeatured) => "Empfohlen",
        (Lang::En, SortPriceAsc) => "Price: low to high",
        (Lang::De, SortPriceAsc) => "Preis: aufsteigend",
        (Lang::En, SortPriceDesc) => "Price: high to low",
        (Lang::De, SortPriceDesc) => "Preis: absteigend",
        (Lang::En, SortName) => "Name",
        (Lang::De, SortName) => "Name",
        (Lang::En, SortNewest) => "Newest",
        (Lang::De, SortNewest) => "Neueste",
        (Lang::En, MinPrice) => "Min. price",
        (Lang::De, MinPrice) => "Mindestpreis",
        (Lang::En, MaxPrice) => "Max. price",
        (Lang::De, MaxPrice) => "Höchstpreis",
        (Lang::En, InStockOnly) => "In stock only",
        (Lang::De, InStockOnly) => "Nur vorrätige",
        (Lang::En, VariantLabel) => "Option",
        (Lang::De, VariantLabel) => "Ausführung",
        (Lang::En, AnyVariant) => "Any",
        (Lang::De, AnyVariant) => "Alle",
        (Lang::En, Apply) => "Apply",
        (Lang::De, Apply) => "Anwenden",
        (Lang::En, ClearFilters) => "Clear filters",
        (Lang::De, ClearFilters) => "Filter zurücksetzen",
        (Lang::En, PriceRangeInvalid) => "The minimum price is above the maximum price.",
        (Lang::De, PriceRangeInvalid) => "Der Mindestpreis liegt über dem Höchstpreis.",
        (Lang::En, PriceInvalid) => "Enter a price of 0 or more, e.g. 25 or 19.99.",
        (Lang::De, PriceInvalid) => "Bitte einen Preis ab 0 eingeben, z. B. 25 oder 19,99.",
        (Lang::En, NoMatch) => "No products match. Try another search or filter.",
        (Lang::De, NoMatch) => "Keine passenden Produkte. Versuchen Sie eine andere Suche oder andere Filter.",
        (Lang::En, InStock) => "In stock",
        (Lang::De, InStock) => "Vorrätig",
        (Lang::En, OutOfStock) => "Out of stock",
        (Lang::De, OutOfStock) => "Ausverkauft",
        (Lang::En, Pages) => "Pages",
        (Lang::De, Pages) => "Seiten",
        (Lang::En, Previous) => "← Previous",
        (Lang::De, Previous) => "← Zurück",
        (Lang::En, Next) => "Next →",
        (Lang::De, Next) => "Weiter →",
    }
}

/// "12 products" / "12 Produkte".
pub fn result_count(locale: &str, n: u32) -> String {
    match (Lang::of(locale), n) {
        (Lang::En, 1) => "1 product".into(),
        (Lang::En, n) => format!("{n} products"),
        (Lang::De, 1) => "1 Produkt".into(),
        (Lang::De, n) => format!("{n} Produkte"),
    }
}

/// "Page 2 of 4" / "Seite 2 von 4".
pub fn page_of(locale: &str, page: u32, pages: u32) -> String {
    match Lang::of(locale) {
        Lang::En => format!("Page {page} of {pages}"),
        Lang::De => format!("Seite {page} von {pages}"),
    }
}

/// The heading of a search.
pub fn results_for(locale: &str, text: &str) -> String {
    match Lang::of(locale) {
        Lang::En => format!("Results for “{text}”"),
        Lang::De => format!("Ergebnisse für „{text}“"),
    }
}

/// "3 options" / "3 Ausführungen".
pub fn options(locale: &str, n: usize) -> String {
    match Lang::of(locale) {
        Lang::En => format!("{n} options"),
        Lang::De => format!("{n} Ausführungen"),
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    #[wasm_bindgen_test]
    fn locales_fall_back_to_english() {
        assert_eq!(Lang::of("de-DE"), Lang::De);
        assert_eq!(Lang::of("de"), Lang::De);
        assert_eq!(Lang::of("de_AT"), Lang::De);
        for other in ["en-US", "fr-FR", "", "<script>", "deutsch"] {
            assert_eq!(Lang::of(other), Lang::En, "{other}");
        }
        assert_eq!(t("de-DE", Key::AllProducts), "Alle Produkte");
        assert_eq!(t("xx", Key::AllProducts), "All products");
        assert_eq!(result_count("de-DE", 1), "1 Produkt");
        assert_eq!(result_count("en-US", 48), "48 products");
    }
}

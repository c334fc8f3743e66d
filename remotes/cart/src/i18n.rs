//! The cart remote's texts in every locale the store offers.

#[derive(Clone, Copy)]
pub enum Text {
    Title,
    Loading,
    LoadFailed,
    TryAgain,
    Empty,
    StartShopping,
    Subtotal,
    Shipping,
    FreeShipping,
    Tax,
    Total,
    GoToCheckout,
    Each,
    OneLess,
    OneMore,
    Remove,
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    NotChanged,
}

pub fn t(locale: &str, text: Text) -> &'static str {
    use Text::*;
    match (text, locale.starts_with("de")) {
        (Title, false) => "Your cart",
        (Title, true) => "Ihr Warenkorb",
        (Loading, false) => "Loading your cart…",
        (Loading, true) => "Warenkorb wird geladen…",
        (LoadFailed, false) => "Your cart could not be loaded:",
        (LoadFailed, true) => "Ihr Warenkorb konnte nicht geladen werden:",
        (TryAgain, false) => "Try again",
        (TryAgain, true) => "Erneut versuchen",
        (Empty, false) => "Your cart is empty.",
        (Empty, true) => "Ihr Warenkorb ist leer.",
        (StartShopping, false) => "Start shopping",
        (StartShopping, true) => "Jetzt einkaufen",
        (Subtotal, false) => "Subtotal",
        (Subtotal, true) => "Zwischensumme",
        (Shipping, false) => "Shipping",
        (Shipping, true) => "Versand",
        (FreeShipping, false) => "Free",
        (FreeShipping, true) => "Kostenlos",
        (Tax, false) => "VAT (19 %)",
        (Tax, true) => "MwSt. (19 %)",
        (Total, false) => "Total",
        (Total, true) => "Gesamt",
        (GoToCheckout, false) => "Go to checkout",
        (GoToCheckout, true) => "Zur Kasse",
        (Each, false) => "each",
        (Each, true) => "pro Stück",
        (OneLess, false) => "One less",
        (OneLess, true) => "Eins weniger",
        (OneMore, false) => "One more",
        (OneMore, true) => "Eins mehr",
        (Remove, false) => "Remove",
        (Remove, true) => "Entfernen",
        (NotChanged, false) => "Your cart was not changed:",
        (NotChanged, true) => "Ihr Warenkorb wurde nicht geändert:",
    }
}

//! Which page of this remote a URL is: pure, so both halves read URLs the same way.

use contracts::routes::{checkout_step_path, encode_component, query_param};

/// Where the visitor is, as far as this remote is concerned.
#[derive(Clone, PartialEq)]
pub enum Page {
    Start,
    Step(Step, String),
    Confirmation(String),
    Orders,
    Order(String),
    Unknown,
}

pub fn page(path: &str, search: &str) -> Page {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let session = query_param(search, "session").filter(|s| !s.is_empty());
    match (segments.as_slice(), session) {
        (["checkout"], _) => Page::Start,
        (["checkout", step], Some(session)) => match Step::from_slug(step) {
            Some(step) => Page::Step(step, session),
            None => Page::Unknown,
        },
        // A step without its session id cannot be shown: start over.
        (["checkout", step], None) if Step::from_slug(step).is_some() => Page::Start,
        (["checkout", "confirmation", id], _) => Page::Confirmation(id.to_string()),
        (["orders"], _) => Page::Orders,
        (["orders", id], _) => Page::Order(id.to_string()),
        _ => Page::Unknown,
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Step {
    Address,
    Payment,
    Review,
}

#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
impl Step {
    pub fn from_slug(slug: &str) -> Option<Step> {
        match slug {
            "address" => Some(Step::Address),
            "payment" => Some(Step::Payment),
            "review" => Some(Step::Review),
            _ => None,
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            Step::Address => "address",
            Step::Payment => "payment",
            Step::Review => "review",
        }
    }

    pub fn url(self, session: &str) -> String {
        format!("{}?session={}", checkout_step_path(self.slug()), encode_component(session))
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn urls_name_the_page() {
        assert!(page("/checkout", "") == Page::Start);
        assert!(page("/checkout/payment", "?session=chk_1") == Page::Step(Step::Payment, "chk_1".into()));
        assert!(page("/checkout/payment", "") == Page::Start);
        assert!(page("/checkout/confirmation/ord_1", "") == Page::Confirmation("ord_1".into()));
        assert!(page("/orders", "") == Page::Orders);
        assert!(page("/orders/ord_1", "") == Page::Order("ord_1".into()));
        assert!(page("/checkout/nonsense", "?session=x") == Page::Unknown);
    }
}

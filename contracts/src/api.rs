//! JSON shapes of the cart API (`/api/*`), shared by `cart-api` and every front end so both
//! sides of the wire compile against one definition. All fields are camelCase on the wire.

use serde::{Deserialize, Serialize};

/// An amount of money in minor units (cents) with its ISO 4217 currency.
///
/// Front ends only display money; every price and total is computed by the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Money {
    pub amount: i64,
    pub currency: String,
}

impl Money {
    pub fn new(amount: i64, currency: impl Into<String>) -> Self {
        Self { amount, currency: currency.into() }
    }

    /// Digits after the decimal point for the currency (ISO 4217 exponent).
    pub fn exponent(&self) -> u32 {
        match self.currency.as_str() {
            "JPY" | "KRW" | "ISK" => 0,
            "BHD" | "KWD" | "OMR" | "TND" => 3,
            _ => 2,
        }
    }

    /// The amount in major units, for display only.
    pub fn major_units(&self) -> f64 {
        self.amount as f64 / 10f64.powi(self.exponent() as i32)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Variant {
    pub id: String,
    pub name: String,
    pub stock: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Product {
    pub id: u32,
    pub name: String,
    pub description: String,
    /// Slug of the product's category.
    pub category: String,
    pub price: Money,
    /// Same-origin image paths, first one is the main picture.
    pub images: Vec<String>,
    pub variants: Vec<Variant>,
}

impl Product {
    pub fn variant(&self, id: &str) -> Option<&Variant> {
        self.variants.iter().find(|v| v.id == id)
    }
}

/// `GET /api/products`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductPage {
    pub items: Vec<Product>,
    pub total: u32,
    pub page: u32,
    pub page_size: u32,
}

/// An item of `GET /api/categories`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Category {
    pub slug: String,
    pub name: String,
}

/// Body of `POST /api/cart/items`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AddCartItem {
    pub product_id: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant_id: Option<String>,
    pub quantity: u32,
}

/// Body of `PATCH /api/cart/items/{lineId}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SetQuantity {
    pub quantity: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CartLine {
    pub line_id: String,
    pub product_id: u32,
    pub variant_id: Option<String>,
    pub name: String,
    pub quantity: u32,
    pub unit_price: Money,
    pub line_total: Money,
}

/// The cart as the server computed it: `GET /api/cart` and every cart write answer with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cart {
    pub cart_id: String,
    pub item_count: u32,
    pub lines: Vec<CartLine>,
    pub subtotal: Money,
}

/// An RFC 9457 problem document, the body of every 4xx/5xx answer
/// (`Content-Type: application/problem+json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    /// A stable URI-like identifier of the kind of problem, e.g. `/problems/out-of-stock`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// One event as the shell's analytics layer forwards it: the envelope's facts plus where and
/// under which shell it happened. No personal data: payloads are the event contracts' own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AnalyticsEvent {
    pub name: String,
    pub version: u32,
    pub publisher: String,
    pub shell: String,
    pub route: String,
    /// Milliseconds since the Unix epoch, from the envelope.
    pub time: f64,
    pub payload: serde_json::Value,
}

/// Body of `POST /api/analytics/events`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AnalyticsBatch {
    pub events: Vec<AnalyticsEvent>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cart_serializes_in_camel_case() {
        let cart = Cart {
            cart_id: "c1".into(),
            item_count: 2,
            lines: vec![CartLine {
                line_id: "l1".into(),
                product_id: 7,
                variant_id: Some("red".into()),
                name: "Tractor".into(),
                quantity: 2,
                unit_price: Money::new(1999, "EUR"),
                line_total: Money::new(3998, "EUR"),
            }],
            subtotal: Money::new(3998, "EUR"),
        };
        let json = serde_json::to_value(&cart).unwrap();
        assert_eq!(json["cartId"], "c1");
        assert_eq!(json["itemCount"], 2);
        assert_eq!(json["lines"][0]["unitPrice"]["amount"], 1999);
        assert_eq!(json["lines"][0]["variantId"], "red");
    }

    #[test]
    fn add_item_refuses_unknown_fields() {
        let err = serde_json::from_str::<AddCartItem>(r#"{"productId":1,"quantity":1,"price":1}"#);
        assert!(err.is_err(), "a client must not be able to send a price");
        let ok: AddCartItem = serde_json::from_str(r#"{"productId":1,"quantity":2}"#).unwrap();
        assert_eq!(ok.variant_id, None);
    }
}

//! Events owned by the cart team.

use serde::{Deserialize, Serialize};

use super::EventContract;

/// `cart:updated` v1: the number of items in the visitor's cart changed.
///
/// Published by whichever remote changed the cart through the cart API, with the count the API
/// answered. It is a notification only: the cart itself lives in the backend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct CartUpdated {
    pub cart_id: String,
    pub item_count: u32,
}

impl EventContract for CartUpdated {
    const NAME: &'static str = "cart:updated";
    const VERSION: u32 = 1;
    const OWNER: &'static str = "cart";
    const CONSUMERS: &'static [&'static str] = &["cart-summary", "analytics"];
    const DESCRIPTION: &'static str =
        "The item count of the visitor's cart changed. Emitted after the cart API confirmed the change.";

    fn example() -> Self {
        Self { cart_id: "cart_3f9c2a1b7d4e".into(), item_count: 4 }
    }

    fn validate(&self) -> Result<(), String> {
        if self.cart_id.is_empty() {
            return Err("cartId is empty".into());
        }
        Ok(())
    }
}

/// `cart:item-added` v1: the visitor added a product to the cart (an analytics fact).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct CartItemAdded {
    pub product_id: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant_id: Option<String>,
    pub quantity: u32,
}

impl EventContract for CartItemAdded {
    const NAME: &'static str = "cart:item-added";
    const VERSION: u32 = 1;
    const OWNER: &'static str = "cart";
    const CONSUMERS: &'static [&'static str] = &["analytics"];
    const DESCRIPTION: &'static str = "A product was added to the cart; published after the cart API accepted it.";

    fn example() -> Self {
        Self { product_id: 1, variant_id: Some("green".into()), quantity: 1 }
    }

    fn validate(&self) -> Result<(), String> {
        if self.quantity == 0 {
            return Err("quantity is 0".into());
        }
        Ok(())
    }
}

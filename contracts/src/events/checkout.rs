//! Events owned by the checkout team. None of them carries payment data.

use serde::{Deserialize, Serialize};

use super::EventContract;
use crate::api::Money;

/// `checkout:payment-submitted` v1: the visitor submitted the payment step. Its outcome comes
/// from the backend; the card never travels here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct CheckoutPaymentSubmitted {
    pub checkout_step: String,
    pub status: String,
}

impl EventContract for CheckoutPaymentSubmitted {
    const NAME: &'static str = "checkout:payment-submitted";
    const VERSION: u32 = 1;
    const OWNER: &'static str = "checkout";
    const CONSUMERS: &'static [&'static str] = &["analytics"];
    const DESCRIPTION: &'static str = "The payment step was submitted to the backend.";

    fn example() -> Self {
        Self { checkout_step: "payment-submitted".into(), status: "pending".into() }
    }
}

/// `checkout:completed` v1: an order was placed and the checkout is over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct CheckoutCompleted {
    pub order_id: String,
    pub status: String,
}

impl EventContract for CheckoutCompleted {
    const NAME: &'static str = "checkout:completed";
    const VERSION: u32 = 1;
    const OWNER: &'static str = "checkout";
    const CONSUMERS: &'static [&'static str] = &["shell-notifications", "analytics"];
    const DESCRIPTION: &'static str = "The checkout ended with a placed order.";

    fn example() -> Self {
        Self { order_id: "ord_7d41c9".into(), status: "paid".into() }
    }
}

/// `order:placed` v1: an order exists (an analytics fact, no personal data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct OrderPlaced {
    pub order_id: String,
    pub item_count: u32,
    pub total: Money,
}

impl EventContract for OrderPlaced {
    const NAME: &'static str = "order:placed";
    const VERSION: u32 = 1;
    const OWNER: &'static str = "checkout";
    const CONSUMERS: &'static [&'static str] = &["analytics"];
    const DESCRIPTION: &'static str = "An order was placed; totals as the server computed them.";

    fn example() -> Self {
        Self { order_id: "ord_7d41c9".into(), item_count: 2, total: Money::new(8598, "EUR") }
    }
}

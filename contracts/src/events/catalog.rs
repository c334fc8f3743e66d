//! Events owned by the catalog team.

use serde::{Deserialize, Serialize};

use super::EventContract;

/// `catalog:product-clicked` v1: a product in a listing was opened (an analytics fact).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct CatalogProductClicked {
    pub product_id: u32,
    /// Position in the listing, from 1.
    pub position: u32,
}

impl EventContract for CatalogProductClicked {
    const NAME: &'static str = "catalog:product-clicked";
    const VERSION: u32 = 1;
    const OWNER: &'static str = "catalog";
    const CONSUMERS: &'static [&'static str] = &["analytics"];
    const DESCRIPTION: &'static str = "A product of a listing was opened.";

    fn example() -> Self {
        Self { product_id: 12, position: 3 }
    }
}

/// `search:submitted` v1: the visitor searched the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct SearchSubmitted {
    pub query: String,
}

impl EventContract for SearchSubmitted {
    const NAME: &'static str = "search:submitted";
    const VERSION: u32 = 1;
    const OWNER: &'static str = "catalog";
    const CONSUMERS: &'static [&'static str] = &["analytics"];
    const DESCRIPTION: &'static str = "A search was submitted; the results are at /search?q=.";

    fn example() -> Self {
        Self { query: "red tractor".into() }
    }

    fn validate(&self) -> Result<(), String> {
        match self.query.chars().count() {
            1..=100 => Ok(()),
            _ => Err("query must have 1 to 100 characters".into()),
        }
    }
}

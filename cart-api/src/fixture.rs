//! The catalogue the store ships with, `fixtures/catalog.json`, read in one place and typed: the
//! seed writes it into the database and the tests compare the API's answers with it.

use contracts::api::{Category, Product};
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Catalogue {
    /// In the order the store shows them.
    pub categories: Vec<Category>,
    pub products: Vec<SeedProduct>,
}

/// A product as the API shows it, with what only the database keeps: when it was added (the
/// order of "newest").
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedProduct {
    #[serde(flatten)]
    pub product: Product,
    pub added_at: String,
}

/// The catalogue compiled into the binary.
pub fn catalogue() -> Result<Catalogue, serde_json::Error> {
    serde_json::from_str(include_str!("../fixtures/catalog.json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fixture_is_a_believable_catalogue() {
        let catalogue = catalogue().unwrap();
        assert!(catalogue.products.len() >= 48);
        assert!(catalogue.categories.len() >= 4);
        let with_variants = catalogue.products.iter().filter(|p| p.product.variants.len() >= 2).count();
        assert!(with_variants * 3 >= catalogue.products.len(), "a third need two or more variants");
        for SeedProduct { product: p, .. } in &catalogue.products {
            assert!(!p.variants.is_empty(), "{} has no variant", p.name);
            assert!(catalogue.categories.iter().any(|c| c.slug == p.category), "{}", p.name);
            assert!(p.images.iter().all(|i| i.starts_with("/images/")), "images are same-origin");
        }
    }
}

//! The catalogue endpoints of the cart API this remote reads.

use contracts::api::{Category, ProductPage};
use contracts::browser::http::{get_json, HttpError};
use contracts::routes::{CatalogQuery, CATALOG_PAGE_SIZE, CATEGORIES_API};

pub async fn products(query: &CatalogQuery) -> Result<ProductPage, HttpError> {
    get_json(&format!("/api/products?{}", query.api_query(CATALOG_PAGE_SIZE))).await
}

pub async fn categories() -> Result<Vec<Category>, HttpError> {
    get_json(CATEGORIES_API).await
}

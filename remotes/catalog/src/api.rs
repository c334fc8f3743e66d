//! The catalogue endpoints of the cart API this remote reads.

use contracts::api::{Category, ProductPage};
use contracts::browser::http::{get_json, HttpError};
use contracts::routes::CatalogQuery;

pub const PAGE_SIZE: u32 = 12;

pub async fn products(query: &CatalogQuery) -> Result<ProductPage, HttpError> {
    get_json(&format!("/api/products?{}", query.api_query(PAGE_SIZE))).await
}

pub async fn categories() -> Result<Vec<Category>, HttpError> {
    get_json("/api/categories").await
}

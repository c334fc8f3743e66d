//! The catalogue endpoints of the cart API this remote reads, in the browser and on the server.

use contracts::routes::{CatalogQuery, CATALOG_PAGE_SIZE};
#[cfg(target_arch = "wasm32")]
use contracts::{
    api::{Category, ProductPage},
    browser::http::{get_json, HttpError},
    routes::CATEGORIES_API,
};

/// The product page `query` asks for.
pub fn products_path(query: &CatalogQuery) -> String {
    format!("/api/products?{}", query.api_query(CATALOG_PAGE_SIZE))
}

#[cfg(target_arch = "wasm32")]
pub async fn products(query: &CatalogQuery) -> Result<ProductPage, HttpError> {
    get_json(&products_path(query)).await
}

#[cfg(target_arch = "wasm32")]
pub async fn categories() -> Result<Vec<Category>, HttpError> {
    get_json(CATEGORIES_API).await
}

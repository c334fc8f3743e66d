//! `GET /api/products`, `GET /api/products/{id}`, `GET /api/categories`

use axum::extract::State;
use axum::Json;
use contracts::api::{Category, Product, ProductPage};

use super::extract::{Path, Query};
use crate::domain::catalog::{self, ListParams, ListQuery};
use crate::error::ApiError;
use crate::AppState;

pub async fn list(
    State(state): State<AppState>,
    Query(params): Query<ListParams>,
) -> Result<Json<ProductPage>, ApiError> {
    let query = ListQuery::try_from(params)?;
    Ok(Json(catalog::list(&state.db, &state.catalogue, &query).await?))
}

pub async fn get(State(state): State<AppState>, Path(id): Path<u32>) -> Result<Json<Product>, ApiError> {
    catalog::get(&state.db, &state.catalogue, id)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::NotFound(format!("product {id}")))
}

pub async fn categories(State(state): State<AppState>) -> Result<Json<Vec<Category>>, ApiError> {
    Ok(Json(catalog::categories(&state.db, &state.catalogue).await?))
}

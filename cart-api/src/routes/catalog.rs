//! `GET /api/products`, `GET /api/products/{id}`, `GET /api/products/{id}/recommendations`,
//! `GET /api/categories`

use axum::extract::State;
use axum::Json;
use contracts::api::{Category, Product, ProductPage, Recommendations};

use super::extract::{Path, Query};
use crate::domain::catalog::{self, ListParams, ListQuery, RecommendationParams};
use crate::error::ApiError;
use crate::AppState;

#[utoipa::path(
    get, path = "/api/products", tag = "catalog", params(ListParams),
    responses((status = 200, description = "One page of products", body = ProductPage))
)]
pub async fn list(
    State(state): State<AppState>,
    Query(params): Query<ListParams>,
) -> Result<Json<ProductPage>, ApiError> {
    let query = ListQuery::try_from(params)?;
    Ok(Json(catalog::list(&state.db, &state.catalogue, &query).await?))
}

#[utoipa::path(
    get, path = "/api/products/{id}", tag = "catalog",
    params(("id" = u32, Path, description = "The product's id")),
    responses((status = 200, description = "The product with its variants and stock", body = Product), (status = 404, description = "not-found", body = contracts::api::Problem, content_type = "application/problem+json"))
)]
pub async fn get(State(state): State<AppState>, Path(id): Path<u32>) -> Result<Json<Product>, ApiError> {
    catalog::get(&state.db, &state.catalogue, id)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::NotFound(format!("product {id}")))
}

#[utoipa::path(
    get, path = "/api/products/{id}/recommendations", tag = "catalog",
    params(("id" = u32, Path, description = "The product's id"), RecommendationParams),
    responses((status = 200, description = "Other products for this one, for the recommendations fragment", body = Recommendations), (status = 404, description = "not-found", body = contracts::api::Problem, content_type = "application/problem+json"))
)]
pub async fn recommendations(
    State(state): State<AppState>,
    Path(id): Path<u32>,
    Query(params): Query<RecommendationParams>,
) -> Result<Json<Recommendations>, ApiError> {
    catalog::recommendations(&state.db, &state.catalogue, id, params.variant.as_deref())
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::NotFound(format!("product {id}")))
}

#[utoipa::path(
    get, path = "/api/categories", tag = "catalog",
    responses((status = 200, description = "Every category", body = [Category]))
)]
pub async fn categories(State(state): State<AppState>) -> Result<Json<Vec<Category>>, ApiError> {
    Ok(Json(catalog::categories(&state.db, &state.catalogue).await?))
}

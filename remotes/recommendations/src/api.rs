//! The cart API call of this fragment: the server picks the products (it knows the catalogue).

use contracts::api::Recommendations;
use contracts::browser::http::{get_json, HttpError};
use contracts::inputs::RecommendationsInputs;

pub async fn recommendations(inputs: &RecommendationsInputs) -> Result<Recommendations, HttpError> {
    get_json(&contracts::routes::recommendations_api(inputs.product, inputs.variant.as_deref())).await
}

//! The cart API calls of this remote.

use contracts::api::{Cart, SetQuantity};
use contracts::browser::http::{delete_json, get_json, send_json, HttpError};

pub async fn cart() -> Result<Cart, HttpError> {
    get_json(contracts::routes::CART_API).await
}

pub async fn set_quantity(line_id: &str, quantity: u32, trace_id: &str) -> Result<Cart, HttpError> {
    let url = format!("/api/cart/items/{}", contracts::routes::encode_component(line_id));
    send_json("PATCH", &url, &SetQuantity { quantity }, trace_id).await
}

pub async fn remove(line_id: &str, trace_id: &str) -> Result<Cart, HttpError> {
    delete_json(&format!("/api/cart/items/{}", contracts::routes::encode_component(line_id)), trace_id).await
}

//! The cart API calls of this remote: read a product, add to the cart.

use contracts::api::{AddCartItem, Cart, Product};
use contracts::browser::http::{get_json, send_json_once, HttpError};

pub async fn product(id: u32) -> Result<Product, HttpError> {
    get_json(&contracts::routes::product_api(id)).await
}

pub async fn add_to_cart(item: &AddCartItem, trace_id: &str) -> Result<Cart, HttpError> {
    send_json_once("POST", "/api/cart/items", item, trace_id).await
}

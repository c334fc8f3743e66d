//! The cart API calls of this remote.

use contracts::api::Cart;
use contracts::browser::http::{get_json, HttpError};

pub async fn cart() -> Result<Cart, HttpError> {
    get_json("/api/cart").await
}

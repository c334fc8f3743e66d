//! The store without JavaScript: the product page's Add to cart form posts here
//! ([`ADD_TO_CART_FORM`]) and the answer is `303 See Other`, so Reload never posts twice. The
//! item goes through the same domain code, with the same idempotency, cross-site and
//! validation rules as `POST /api/cart/items`; only the answer differs (a page, not JSON).
//!
//! Bad input loses nothing: the visitor goes back to the product page they came from, which
//! says what was wrong in their language ([`FormProblem`]).

use axum::extract::rejection::FormRejection;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use contracts::api::AddCartItem;
use contracts::routes::{product_path, FormProblem, CART_PATH};
use serde::Deserialize;

use crate::domain::cart;
use crate::domain::idempotency::IdempotencyKey;
use crate::domain::DomainError;
use crate::session::{Session, WithSession};
use crate::AppState;

/// The form's fields, all text: what a browser sends is read here, not trusted to a decoder
/// that would answer a bare 422.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct AddToCartFields {
    product_id: Option<String>,
    variant_id: Option<String>,
    quantity: Option<String>,
    idempotency_key: Option<String>,
}

impl AddToCartFields {
    /// The item, or why not. No quantity means one, as the page's field starts at one.
    fn item(&self) -> Result<AddCartItem, FormProblem> {
        let product_id =
            self.product_id.as_deref().and_then(|id| id.trim().parse().ok()).ok_or(FormProblem::Unknown)?;
        let quantity = match self.quantity.as_deref().map(str::trim) {
            None | Some("") => 1,
            Some(text) => text.parse().map_err(|_| FormProblem::Quantity)?,
        };
        Ok(AddCartItem { product_id, variant_id: self.variant().map(str::to_string), quantity })
    }

    /// The chosen variant, if the form named one.
    fn variant(&self) -> Option<&str> {
        self.variant_id.as_deref().map(str::trim).filter(|v| !v.is_empty())
    }

    /// The page the form was on.
    fn back(&self) -> String {
        match self.product_id.as_deref().and_then(|id| id.trim().parse::<u32>().ok()) {
            Some(id) => product_path(id, self.variant()),
            None => "/".to_string(),
        }
    }
}

#[utoipa::path(
    post, path = "/cart/items", tag = "cart",
    request_body(content = AddToCartFields, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 303, description = "Added: to `/cart`. Not added: back to the product page with \
                                      `?problem=quantity|stock|unknown|failed`", headers(("Location" = String))),
    )
)]
pub async fn add_to_cart(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: Result<Form<AddToCartFields>, FormRejection>,
) -> Response {
    let fields = form.map(|Form(fields)| fields).unwrap_or_default();
    let back = fields.back();
    let item = match fields.item() {
        Ok(item) => item,
        Err(problem) => return Redirect::to(&problem.on(&back)).into_response(),
    };
    let key = fields.idempotency_key.as_deref().map(str::trim).filter(|k| !k.is_empty());
    let key_for = |session_id: &str| key.map(|k| IdempotencyKey::parse(session_id, k)).transpose();
    let written = match Session::existing(&state.db, &headers).await {
        Ok(Some(session)) => add_for(&state, &session, &item, key_for(&session.id)).await.map(|()| session),
        Ok(None) => cart::add_item_as_new_visitor(&state.db, &item, key_for, None).await.map(|(session, _)| session),
        Err(error) => Err(DomainError::from(error)),
    };
    match written {
        Ok(session) => {
            tracing::info!(product_id = item.product_id, "item added from a form");
            WithSession(session, Redirect::to(CART_PATH)).into_response()
        }
        Err(error) => {
            tracing::info!(%error, "a form's item was not added");
            let mut response = Redirect::to(&problem_of(&error).on(&back)).into_response();
            // The page must not be cached as the answer to the form.
            response.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
            response
        }
    }
}

async fn add_for(
    state: &AppState,
    session: &Session,
    item: &AddCartItem,
    key: Result<Option<IdempotencyKey>, DomainError>,
) -> Result<(), DomainError> {
    let cart_id = cart::cart_id_for(&state.db, session).await?;
    cart::add_item(&state.db, &cart_id, item, key?.as_ref(), None).await.map(|_| ())
}

fn problem_of(error: &DomainError) -> FormProblem {
    match error {
        DomainError::QuantityLimit(_) => FormProblem::Quantity,
        DomainError::OutOfStock(_) => FormProblem::Stock,
        DomainError::UnknownItem(_) | DomainError::NotFound(_) => FormProblem::Unknown,
        _ => FormProblem::Failed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(product: &str, variant: &str, quantity: &str) -> AddToCartFields {
        AddToCartFields {
            product_id: Some(product.into()),
            variant_id: Some(variant.into()),
            quantity: Some(quantity.into()),
            idempotency_key: None,
        }
    }

    #[test]
    fn reads_the_item_from_the_forms_text() {
        let item = fields("3", "red", " 2 ").item().expect("an item");
        assert_eq!(item, AddCartItem { product_id: 3, variant_id: Some("red".into()), quantity: 2 });
        assert_eq!(fields("3", "", "").item().map(|i| (i.variant_id, i.quantity)), Ok((None, 1)));
    }

    #[test]
    fn bad_input_names_its_problem_and_the_page_to_return_to() {
        assert_eq!(fields("3", "red", "two").item(), Err(FormProblem::Quantity));
        assert_eq!(fields("3", "red", "-1").item(), Err(FormProblem::Quantity));
        assert_eq!(fields("x", "", "1").item(), Err(FormProblem::Unknown));
        assert_eq!(fields("3", "red", "1").back(), "/products/3?variant=red");
        assert_eq!(fields("x", "", "1").back(), "/");
    }
}

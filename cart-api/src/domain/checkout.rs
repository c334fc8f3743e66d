//! Checkout sessions: a signed-in visitor's way from cart to order. The session follows the cart
//! live until payment; the payment fixes the cart version it paid for, and the order is placed
//! from that version only, under the same lock as every other write of the checkout.

use crate::db::{Conn, Db, WriteTx};
use contracts::api::{Address, CheckoutSession, CheckoutStep, Order, SHIPPING_COUNTRIES as COUNTRIES};

use super::error::{Conflict, DomainError};
use super::idempotency::{once, Fresh, IdempotencyKey};
use super::{cart, orders};
use crate::clock::now_millis;
use crate::ids::new_id;

/// Starts a checkout of the account's cart. With an idempotency key a retry answers the same
/// checkout session instead of starting a second one.
pub async fn start(
    db: &Db,
    user_id: &str,
    cart_id: &str,
    idempotency: Option<&IdempotencyKey>,
) -> Result<(CheckoutSession, bool), DomainError> {
    let mut tx = crate::db::begin_write(db, &[cart_id]).await?;
    let request = format!("start:{cart_id}");
    let started = once(
        &mut tx,
        idempotency,
        &request,
        async |tx, id| load(tx, &id, user_id).await,
        async |tx| {
            let id = open(tx, user_id, cart_id).await?;
            Ok(Fresh { answer: load(tx, &id, user_id).await?, remembered: Some(id) })
        },
    )
    .await?;
    tx.commit().await?;
    Ok(started)
}

/// A new checkout session of `user_id` for cart `cart_id`, which must hold something: its id.
async fn open(tx: &mut Conn, user_id: &str, cart_id: &str) -> Result<String, DomainError> {
    let current = cart::load(tx, cart_id).await?;
    if current.lines.is_empty() {
        return Err(DomainError::Conflict(Conflict::EmptyCart, "the cart is empty: add something first".into()));
    }
    let id = new_id("chk", 12);
    sqlx::query(
        "INSERT INTO checkout_sessions (id, user_id, cart_id, cart_version, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&id)
    .bind(user_id)
    .bind(cart_id)
    .bind(current.version as i64)
    .bind(now_millis())
    .execute(&mut *tx)
    .await?;
    Ok(id)
}

/// A write transaction on checkout session `id` of `user_id`, holding its cart's lock: a checkout
/// reads the cart that adds and removals change, and places the order that empties it.
pub async fn begin_write(db: &Db, id: &str, user_id: &str) -> Result<WriteTx, DomainError> {
    // A checkout session never changes cart, so its cart can be read before the lock is taken.
    let cart_id: Option<String> =
        sqlx::query_scalar("SELECT cart_id FROM checkout_sessions WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(user_id)
            .fetch_optional(db)
            .await?;
    let cart_id = cart_id.ok_or_else(|| not_found(id))?;
    Ok(crate::db::begin_write(db, &[&cart_id]).await?)
}

/// A checkout session's row as placing its order reads it: cart and the version paid for,
/// address, order, authorized payment.
type PaidRow = (String, i64, Option<String>, Option<String>, Option<String>);

/// Places the order of a paid checkout session: records it from the cart the payment covers,
/// captures the payment and empties the cart, in one transaction under the cart's lock. A repeat
/// (double click, retry, another tab) answers the order already placed: the `UNIQUE` checkout
/// column and the lock make a second order impossible, with or without an idempotency key.
pub async fn place_order(
    db: &Db,
    user_id: &str,
    id: &str,
    idempotency: Option<&IdempotencyKey>,
) -> Result<(Order, bool), DomainError> {
    let mut tx = begin_write(db, id, user_id).await?;
    let request = format!("order:{id}");
    let (outcome, replayed) = once(
        &mut tx,
        idempotency,
        &request,
        async |tx, order_id| Ok(Ok((orders::load(tx, &order_id, user_id).await?, true))),
        async |tx| place(tx, user_id, id).await,
    )
    .await?;
    // A refusal that changed something (a payment let go because it covered another cart) is
    // committed like an order; any other error has returned above and rolled back.
    tx.commit().await?;
    let (order, placed_before) = outcome?;
    if !(replayed || placed_before) {
        tracing::info!(order_id = %order.order_id, total = order.totals.total.amount, "order placed");
    }
    Ok((order, replayed || placed_before))
}

/// Places the order of checkout session `id` under its lock: the order already placed, if any;
/// a refusal when the session is not ready or the cart is not the one paid for; otherwise the
/// order recorded from the cart and the session closed.
async fn place(
    tx: &mut Conn,
    user_id: &str,
    id: &str,
) -> Result<Fresh<Result<(Order, bool), DomainError>>, DomainError> {
    let row: Option<PaidRow> = sqlx::query_as(
        "SELECT cart_id, cart_version, address, order_id,
                (SELECT id FROM payments p WHERE p.id = s.payment_id AND p.status = 'authorized')
         FROM checkout_sessions s WHERE id = $1 AND user_id = $2",
    )
    .bind(id)
    .bind(user_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (cart_id, paid_version, address, placed, payment_id) = row.ok_or_else(|| not_found(id))?;
    if let Some(order_id) = placed {
        return Ok(Fresh { answer: Ok((orders::load(tx, &order_id, user_id).await?, true)), remembered: None });
    }
    let (Some(address), Some(payment_id)) = (address, payment_id) else {
        return Err(DomainError::Conflict(
            Conflict::CheckoutIncomplete,
            "give an address and pay before placing the order".into(),
        ));
    };
    let current = cart::load(tx, &cart_id).await?;
    if current.version as i64 != paid_version {
        // The payment covered another cart: it must be authorized again for what is there now.
        sqlx::query("UPDATE checkout_sessions SET payment_id = NULL WHERE id = $1").bind(id).execute(&mut *tx).await?;
        let changed = DomainError::Conflict(
            Conflict::CartChanged,
            "the cart changed after payment: review it and pay again".into(),
        );
        return Ok(Fresh { answer: Err(changed), remembered: None });
    }
    if current.lines.is_empty() {
        return Err(DomainError::Conflict(Conflict::EmptyCart, "the cart is empty".into()));
    }
    let order_id = orders::record(tx, user_id, id, &current, &address, &payment_id).await?;
    close(tx, id, &cart_id, &payment_id, &order_id).await?;
    let order = orders::load(tx, &order_id, user_id).await?;
    Ok(Fresh { answer: Ok((order, false)), remembered: Some(order_id) })
}

/// Ends checkout session `id` with its order: the payment is captured and the cart emptied.
async fn close(tx: &mut Conn, id: &str, cart_id: &str, payment_id: &str, order_id: &str) -> Result<(), DomainError> {
    sqlx::query("UPDATE payments SET status = 'captured' WHERE id = $1").bind(payment_id).execute(&mut *tx).await?;
    sqlx::query("UPDATE checkout_sessions SET order_id = $1 WHERE id = $2")
        .bind(order_id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM cart_lines WHERE cart_id = $1").bind(cart_id).execute(&mut *tx).await?;
    sqlx::query("UPDATE carts SET version = version + 1 WHERE id = $1").bind(cart_id).execute(&mut *tx).await?;
    Ok(())
}

/// The checkout session `id` if it belongs to `user_id`; anyone else gets "not found".
pub async fn get(db: &Db, id: &str, user_id: &str) -> Result<CheckoutSession, DomainError> {
    let mut conn = db.acquire().await?;
    load(&mut conn, id, user_id).await
}

/// What anyone but the owner hears of a checkout session, the same as for one that does not exist.
fn not_found(id: &str) -> DomainError {
    DomainError::NotFound(format!("checkout session {id}"))
}

/// Checks and stores the shipping address.
pub async fn set_address(db: &Db, id: &str, user_id: &str, address: Address) -> Result<CheckoutSession, DomainError> {
    let address = validate_address(address)?;
    let mut tx = begin_write(db, id, user_id).await?;
    let session = load(&mut tx, id, user_id).await?;
    if session.order_id.is_some() {
        return Err(DomainError::Conflict(
            Conflict::CheckoutCompleted,
            "this checkout already placed its order".into(),
        ));
    }
    sqlx::query("UPDATE checkout_sessions SET address = $1 WHERE id = $2")
        .bind(serde_json::to_string(&address).unwrap_or_default())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let session = load(&mut tx, id, user_id).await?;
    tx.commit().await?;
    Ok(session)
}

/// Trims every field and refuses what cannot be shipped to, naming the field.
pub fn validate_address(address: Address) -> Result<Address, DomainError> {
    fn field(value: &str, name: &str, max: usize) -> Result<String, DomainError> {
        let value = value.trim();
        if value.is_empty() || value.chars().count() > max || value.chars().any(char::is_control) {
            return Err(DomainError::InvalidAddress(format!("{name}: required, at most {max} characters")));
        }
        Ok(value.to_string())
    }
    let postal_code = field(&address.postal_code, "postalCode", 10)?;
    if !postal_code.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-') || postal_code.len() < 3 {
        return Err(DomainError::InvalidAddress("postalCode: 3 to 10 letters, digits, spaces or dashes".into()));
    }
    let country = address.country.trim().to_ascii_uppercase();
    if !COUNTRIES.contains(&country.as_str()) {
        return Err(DomainError::InvalidAddress(format!("country: we ship to {}", COUNTRIES.join(", "))));
    }
    if country == "DE" && !(postal_code.len() == 5 && postal_code.bytes().all(|b| b.is_ascii_digit())) {
        return Err(DomainError::InvalidAddress("postalCode: a German postal code has five digits".into()));
    }
    Ok(Address {
        name: field(&address.name, "name", 100)?,
        line1: field(&address.line1, "line1", 200)?,
        city: field(&address.city, "city", 100)?,
        postal_code,
        country,
    })
}

/// A checkout session's row: cart, address, order and the card's last four digits.
type SessionRow = (String, Option<String>, Option<String>, Option<String>);

/// Reads a checkout session as its owner sees it.
pub(super) async fn load(conn: &mut Conn, id: &str, user_id: &str) -> Result<CheckoutSession, DomainError> {
    let row: Option<SessionRow> = sqlx::query_as(
        "SELECT cart_id, address, order_id,
                (SELECT card_last4 FROM payments p WHERE p.id = s.payment_id AND p.status IN ('authorized', 'captured'))
         FROM checkout_sessions s WHERE id = $1 AND user_id = $2",
    )
    .bind(id)
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?;
    let (cart_id, address, order_id, card_last4) = row.ok_or_else(|| not_found(id))?;
    let address: Option<Address> = address.and_then(|a| serde_json::from_str(&a).ok());
    // A placed order keeps its own lines; before that the checkout shows the cart as it is now.
    let (lines, totals) = match &order_id {
        Some(order_id) => {
            let order = orders::load(conn, order_id, user_id).await?;
            (order.lines, order.totals)
        }
        None => {
            let cart = cart::load(conn, &cart_id).await?;
            (cart.lines, cart.totals)
        }
    };
    let step = match (&address, &card_last4, &order_id) {
        (_, _, Some(_)) => CheckoutStep::Completed,
        (Some(_), Some(_), None) => CheckoutStep::Review,
        (Some(_), None, None) => CheckoutStep::Payment,
        (None, _, None) => CheckoutStep::Address,
    };
    Ok(CheckoutSession { id: id.to_string(), step, lines, totals, address, card_last4, order_id })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address() -> Address {
        Address {
            name: " Ada Lovelace ".into(),
            line1: "Hauptstraße 1".into(),
            city: "Berlin".into(),
            postal_code: "10115".into(),
            country: "de".into(),
        }
    }

    #[test]
    fn a_good_address_is_trimmed_and_normalised() {
        let checked = validate_address(address()).unwrap();
        assert_eq!(checked.name, "Ada Lovelace");
        assert_eq!(checked.country, "DE");
    }

    /// Makes one field of a good address bad.
    type Spoil = fn(&mut Address);

    #[test]
    fn bad_fields_are_named() {
        let cases: [(Spoil, &str); 4] = [
            (|a| a.name = "  ".into(), "name"),
            (|a| a.country = "XX".into(), "country"),
            (|a| a.postal_code = "1234".into(), "postalCode"),
            (|a| a.line1 = "x".repeat(201), "line1"),
        ];
        for (spoil, field) in cases {
            let mut a = address();
            spoil(&mut a);
            match validate_address(a) {
                Err(DomainError::InvalidAddress(detail)) => assert!(detail.starts_with(field), "{detail}"),
                other => panic!("{field}: {other:?}"),
            }
        }
    }
}

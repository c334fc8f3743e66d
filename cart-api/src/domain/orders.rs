//! Orders: what was bought, recorded once per checkout session (the checkout places it, under its
//! cart's lock, see `checkout::place_order`) and read back by its owner.

use contracts::api::{Address, Cart, CartLine, Money, Order, OrderSummary, Totals};
use sqlx::Row;

use crate::db::{Conn, Db};

use super::error::DomainError;
use super::CURRENCY;
use crate::clock::now_millis;
use crate::ids::new_id;

/// Records the order of `cart` inside the caller's write transaction: takes the stock of every
/// line and writes the order and its lines. The checkout, which holds the cart's lock, calls it
/// once it has checked that the payment covers this cart.
pub(super) async fn record(
    tx: &mut Conn,
    user_id: &str,
    checkout_session_id: &str,
    cart: &Cart,
    address: &str,
    payment_id: &str,
) -> Result<String, DomainError> {
    take_stock(tx, &cart.lines).await?;
    let order_id = new_id("ord", 8);
    let t = &cart.totals;
    sqlx::query(
        "INSERT INTO orders (id, user_id, checkout_session_id, status, subtotal, shipping, tax, total, currency, address, card_last4, created_at)
         VALUES ($1, $2, $3, 'confirmed', $4, $5, $6, $7, $8, $9, (SELECT card_last4 FROM payments WHERE id = $10), $11)",
    )
    .bind(&order_id)
    .bind(user_id)
    .bind(checkout_session_id)
    .bind(t.subtotal.amount)
    .bind(t.shipping.amount)
    .bind(t.tax.amount)
    .bind(t.total.amount)
    .bind(CURRENCY)
    .bind(address)
    .bind(payment_id)
    .bind(now_millis())
    .execute(&mut *tx)
    .await?;
    for (position, line) in cart.lines.iter().enumerate() {
        sqlx::query(
            "INSERT INTO order_lines (order_id, position, product_id, variant_id, name, quantity, unit_price, line_total)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&order_id)
        .bind(position as i64)
        .bind(i64::from(line.product_id))
        .bind(&line.variant_id)
        .bind(&line.name)
        .bind(i64::from(line.quantity))
        .bind(line.unit_price.amount)
        .bind(line.line_total.amount)
        .execute(&mut *tx)
        .await?;
    }
    Ok(order_id)
}

/// Takes each line's quantity from stock, or fails on the first line that sold out.
async fn take_stock(tx: &mut Conn, lines: &[CartLine]) -> Result<(), DomainError> {
    // Stock rows are taken in one order (product, variant) whatever the cart's order, so two
    // orders placed at once on PostgreSQL never wait on each other's rows in a circle.
    let mut taking: Vec<&CartLine> = lines.iter().collect();
    taking.sort_by(|a, b| (a.product_id, &a.variant_id).cmp(&(b.product_id, &b.variant_id)));
    for line in taking {
        let taken =
            sqlx::query("UPDATE variants SET stock = stock - $1 WHERE product_id = $2 AND id = $3 AND stock >= $1")
                .bind(i64::from(line.quantity))
                .bind(i64::from(line.product_id))
                .bind(&line.variant_id)
                .execute(&mut *tx)
                .await?;
        if taken.rows_affected() == 0 {
            return Err(DomainError::OutOfStock(format!("{} sold out while you were checking out", line.name)));
        }
    }
    Ok(())
}

/// The signed-in user's orders, newest first.
pub async fn list(db: &Db, user_id: &str) -> Result<Vec<OrderSummary>, DomainError> {
    let rows = sqlx::query(
        "SELECT o.id, o.status, o.created_at, o.total, o.currency,
                (SELECT CAST(COALESCE(SUM(quantity), 0) AS BIGINT) FROM order_lines WHERE order_id = o.id) AS item_count
         FROM orders o WHERE user_id = $1 ORDER BY created_at DESC, id",
    )
    .bind(user_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .iter()
        .map(|r| OrderSummary {
            order_id: r.get("id"),
            status: r.get("status"),
            created_at: r.get("created_at"),
            item_count: r.get::<i64, _>("item_count") as u32,
            total: Money::new(r.get("total"), r.get::<String, _>("currency")),
        })
        .collect())
}

pub async fn get(db: &Db, order_id: &str, user_id: &str) -> Result<Order, DomainError> {
    let mut conn = db.acquire().await?;
    load(&mut conn, order_id, user_id).await
}

/// An order as its owner sees it; anyone else gets "not found".
pub(super) async fn load(conn: &mut Conn, order_id: &str, user_id: &str) -> Result<Order, DomainError> {
    let order = sqlx::query(
        "SELECT status, created_at, subtotal, shipping, tax, total, currency, address, card_last4
         FROM orders WHERE id = $1 AND user_id = $2",
    )
    .bind(order_id)
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| DomainError::NotFound(format!("order {order_id}")))?;
    let lines = sqlx::query(
        "SELECT l.position, l.product_id, l.variant_id, l.name, l.quantity, l.unit_price, l.line_total, p.images
         FROM order_lines l LEFT JOIN products p ON p.id = l.product_id WHERE order_id = $1 ORDER BY position",
    )
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?;
    let currency: String = order.get("currency");
    let money = |column: &str| Money::new(order.get::<i64, _>(column), currency.clone());
    let address: Address = serde_json::from_str(order.get("address"))
        .map_err(|e| DomainError::Corrupt(format!("order {order_id} has no readable address: {e}")))?;
    Ok(Order {
        order_id: order_id.to_string(),
        status: order.get("status"),
        created_at: order.get("created_at"),
        lines: lines
            .iter()
            .map(|l| {
                let images: Vec<String> = l
                    .get::<Option<String>, _>("images")
                    .and_then(|i| serde_json::from_str(&i).ok())
                    .unwrap_or_default();
                CartLine {
                    line_id: format!("{order_id}-{}", l.get::<i64, _>("position")),
                    product_id: l.get::<i64, _>("product_id") as u32,
                    variant_id: Some(l.get("variant_id")),
                    name: l.get("name"),
                    image: images.into_iter().next().unwrap_or_default(),
                    quantity: l.get::<i64, _>("quantity") as u32,
                    unit_price: Money::new(l.get::<i64, _>("unit_price"), currency.clone()),
                    line_total: Money::new(l.get::<i64, _>("line_total"), currency.clone()),
                }
            })
            .collect(),
        totals: Totals {
            subtotal: money("subtotal"),
            shipping: money("shipping"),
            tax: money("tax"),
            total: money("total"),
        },
        address,
        card_last4: order.get("card_last4"),
    })
}

//! Carts: the server is the source of truth for what is in a cart and what it costs.

use contracts::api::{AddCartItem, Cart, CartLine, Money};
use sqlx::Row;

use crate::db::{Conn, Db, WriteTx};

use super::error::DomainError;
use super::idempotency::{once_json, IdempotencyKey};
use super::CURRENCY;
use crate::ids::new_id;
use crate::session::Session;

/// Bounds of one line's quantity.
pub const QUANTITY_RANGE: std::ops::RangeInclusive<u32> = 1..=99;
/// Different products and variants one cart may hold.
pub const MAX_LINES: i64 = 50;

fn check_quantity(quantity: u32) -> Result<(), DomainError> {
    if QUANTITY_RANGE.contains(&quantity) {
        return Ok(());
    }
    Err(DomainError::QuantityLimit(format!(
        "quantity must be between {} and {}",
        QUANTITY_RANGE.start(),
        QUANTITY_RANGE.end()
    )))
}

/// The cart of a session: the account's when signed in, else the session's own. Created on
/// first use.
pub async fn cart_id_for(db: &Db, session: &Session) -> Result<String, DomainError> {
    // Read first: the cart exists on every request but the first, and an INSERT that does
    // nothing still takes SQLite's one write lock.
    if let Some(found) = find_cart(db, session).await? {
        return Ok(found);
    }
    sqlx::query(
        "INSERT INTO carts (id, session_id, user_id, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
    )
    .bind(new_id("cart", 12))
    .bind(&session.id)
    .bind(&session.user_id)
    .bind(crate::clock::now_millis())
    .execute(db)
    .await?;
    find_cart(db, session).await?.ok_or_else(|| DomainError::NotFound("the session's cart".into()))
}

async fn find_cart(db: &Db, session: &Session) -> Result<Option<String>, DomainError> {
    Ok(match &session.user_id {
        Some(user_id) => {
            sqlx::query_scalar("SELECT id FROM carts WHERE user_id = $1").bind(user_id).fetch_optional(db).await?
        }
        None => {
            sqlx::query_scalar("SELECT id FROM carts WHERE session_id = $1 AND user_id IS NULL")
                .bind(&session.id)
                .fetch_optional(db)
                .await?
        }
    })
}

/// Refuses a write made against another version of the cart than the current one (`If-Match`).
async fn check_version(conn: &mut Conn, cart_id: &str, expected: Option<u64>) -> Result<(), DomainError> {
    let Some(expected) = expected else { return Ok(()) };
    let current: i64 =
        sqlx::query_scalar("SELECT version FROM carts WHERE id = $1").bind(cart_id).fetch_one(&mut *conn).await?;
    if current as u64 != expected {
        return Err(DomainError::PreconditionFailed { current: current as u64 });
    }
    Ok(())
}

/// What a write answered, and whether it is the replay of an earlier identical request.
pub struct Written {
    pub cart: Cart,
    pub replayed: bool,
}

/// Adds `item` to the cart, merging with an existing line of the same product and variant.
/// With an idempotency key, a repeat of the same request answers the first result again.
pub async fn add_item(
    db: &Db,
    cart_id: &str,
    item: &AddCartItem,
    idempotency: Option<&IdempotencyKey>,
    if_match: Option<u64>,
) -> Result<Written, DomainError> {
    check_quantity(item.quantity)?;
    // The cart's lock is taken before anything is read, so two adds to one cart queue and the
    // second sees the first's line when it checks the line limit and the stock.
    let mut tx = crate::db::begin_write(db, &[cart_id]).await?;
    let written = add_within(&mut tx, cart_id, item, idempotency, if_match).await?;
    if !written.replayed {
        tx.commit().await?;
    }
    Ok(written)
}

/// A visitor's first add: session, cart and line in one write transaction rather than three,
/// and nothing stored when the add is refused. `key_for` reads the idempotency key, which is
/// scoped to the session it starts.
///
/// The cart is new, so there is nothing to check it against: no version but 0, no line to merge
/// with, no line limit to reach. Skipping those reads (and writing the cart at version 1 at once)
/// halves the statements of the one write every first visit makes, the write SQLite serialises.
pub async fn add_item_as_new_visitor(
    db: &Db,
    item: &AddCartItem,
    key_for: impl FnOnce(&str) -> Result<Option<IdempotencyKey>, DomainError>,
    if_match: Option<u64>,
) -> Result<(Session, Written), DomainError> {
    check_quantity(item.quantity)?;
    if if_match.is_some_and(|expected| expected != 0) {
        return Err(DomainError::PreconditionFailed { current: 0 });
    }
    // No cart lock: nobody else can know this cart before the transaction commits.
    let mut tx = crate::db::begin_write(db, &[]).await?;
    let (variant_id, stock) = variant_of(&mut tx, item).await?;
    check_stock(i64::from(item.quantity), stock)?;
    let session = Session::start(&mut *tx, None).await?;
    let key = key_for(&session.id)?;
    let cart_id = new_id("cart", 12);
    sqlx::query("INSERT INTO carts (id, session_id, user_id, version, created_at) VALUES ($1, $2, NULL, 1, $3)")
        .bind(&cart_id)
        .bind(&session.id)
        .bind(crate::clock::now_millis())
        .execute(&mut *tx)
        .await?;
    let request = serde_json::to_string(item).unwrap_or_default();
    let (cart, replayed) = once_json(&mut tx, key.as_ref(), &request, async |tx| {
        insert_line(tx, &cart_id, item.product_id, &variant_id, item.quantity).await?;
        load(tx, &cart_id).await
    })
    .await?;
    tx.commit().await?;
    Ok((session, Written { cart, replayed }))
}

/// The add itself, inside a write transaction that holds the cart's lock. A replay changes nothing.
async fn add_within(
    tx: &mut Conn,
    cart_id: &str,
    item: &AddCartItem,
    idempotency: Option<&IdempotencyKey>,
    if_match: Option<u64>,
) -> Result<Written, DomainError> {
    let request = serde_json::to_string(item).unwrap_or_default();
    let (cart, replayed) =
        once_json(tx, idempotency, &request, async |tx| add_line(tx, cart_id, item, if_match).await).await?;
    Ok(Written { cart, replayed })
}

/// Adds `item` to cart `cart_id` (a line of its own, or more of a line it has), within the limits
/// of the line and the stock, and answers the cart as it is now.
async fn add_line(
    tx: &mut Conn,
    cart_id: &str,
    item: &AddCartItem,
    if_match: Option<u64>,
) -> Result<Cart, DomainError> {
    check_version(tx, cart_id, if_match).await?;
    let (variant_id, stock) = variant_of(tx, item).await?;
    let in_cart: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(quantity), 0) AS BIGINT) FROM cart_lines WHERE cart_id = $1 AND product_id = $2 AND variant_id = $3",
    )
    .bind(cart_id)
    .bind(i64::from(item.product_id))
    .bind(&variant_id)
    .fetch_one(&mut *tx)
    .await?;
    check_stock(in_cart + item.quantity as i64, stock)?;
    if in_cart == 0 {
        let lines: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cart_lines WHERE cart_id = $1")
            .bind(cart_id)
            .fetch_one(&mut *tx)
            .await?;
        if lines >= MAX_LINES {
            return Err(DomainError::QuantityLimit(format!("a cart holds at most {MAX_LINES} lines")));
        }
    }
    insert_line(tx, cart_id, item.product_id, &variant_id, item.quantity).await?;
    sqlx::query("UPDATE carts SET version = version + 1 WHERE id = $1").bind(cart_id).execute(&mut *tx).await?;
    load(tx, cart_id).await
}

/// The variant `item` names (or the product's only one) and its stock.
async fn variant_of(tx: &mut Conn, item: &AddCartItem) -> Result<(String, i64), DomainError> {
    let variants: Vec<(String, i64)> =
        sqlx::query_as("SELECT id, stock FROM variants WHERE product_id = $1 ORDER BY position")
            .bind(i64::from(item.product_id))
            .fetch_all(&mut *tx)
            .await?;
    if variants.is_empty() {
        return Err(DomainError::UnknownItem(format!("product {} does not exist", item.product_id)));
    }
    match (&item.variant_id, variants.as_slice()) {
        (Some(wanted), _) => {
            variants.iter().find(|(id, _)| id == wanted).cloned().ok_or_else(|| {
                DomainError::UnknownItem(format!("product {} has no variant {wanted:?}", item.product_id))
            })
        }
        (None, [only]) => Ok(only.clone()),
        (None, _) => {
            Err(DomainError::Invalid(format!("product {} comes in several variants: send variantId", item.product_id)))
        }
    }
}

/// Whether a line may hold `wanted` items of a variant with `stock` left.
fn check_stock(wanted: i64, stock: i64) -> Result<(), DomainError> {
    if wanted > *QUANTITY_RANGE.end() as i64 {
        return Err(DomainError::QuantityLimit(format!("a line holds at most {} items", QUANTITY_RANGE.end())));
    }
    if wanted > stock {
        return Err(DomainError::OutOfStock(format!("only {stock} left of this variant")));
    }
    Ok(())
}

/// Puts `quantity` of a variant into the cart: a line of its own, or more of the line it has.
async fn insert_line(
    tx: &mut Conn,
    cart_id: &str,
    product_id: u32,
    variant_id: &str,
    quantity: u32,
) -> Result<(), DomainError> {
    sqlx::query(
        "INSERT INTO cart_lines (id, cart_id, product_id, variant_id, quantity, added_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT(cart_id, product_id, variant_id) DO UPDATE SET quantity = cart_lines.quantity + excluded.quantity",
    )
    .bind(new_id("line", 8))
    .bind(cart_id)
    .bind(i64::from(product_id))
    .bind(variant_id)
    .bind(i64::from(quantity))
    .bind(crate::clock::now_millis())
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Sets a line's quantity, within the line limits and the variant's stock.
pub async fn set_quantity(
    db: &Db,
    cart_id: &str,
    line_id: &str,
    quantity: u32,
    if_match: Option<u64>,
) -> Result<Cart, DomainError> {
    check_quantity(quantity)?;
    let mut tx = crate::db::begin_write(db, &[cart_id]).await?;
    check_version(&mut tx, cart_id, if_match).await?;
    // Scoped by cart: a line of another session's cart is "not found", never touched.
    let stock: Option<i64> = sqlx::query_scalar(
        "SELECT v.stock FROM cart_lines l JOIN variants v ON v.product_id = l.product_id AND v.id = l.variant_id
         WHERE l.id = $1 AND l.cart_id = $2",
    )
    .bind(line_id)
    .bind(cart_id)
    .fetch_optional(&mut *tx)
    .await?;
    let stock = stock.ok_or_else(|| DomainError::NotFound(format!("cart line {line_id}")))?;
    if quantity as i64 > stock {
        return Err(DomainError::OutOfStock(format!("only {stock} left of this variant")));
    }
    sqlx::query("UPDATE cart_lines SET quantity = $1 WHERE id = $2 AND cart_id = $3")
        .bind(i64::from(quantity))
        .bind(line_id)
        .bind(cart_id)
        .execute(&mut *tx)
        .await?;
    finish_write(tx, cart_id).await
}

/// Removes a line from the cart.
pub async fn remove_line(db: &Db, cart_id: &str, line_id: &str, if_match: Option<u64>) -> Result<Cart, DomainError> {
    let mut tx = crate::db::begin_write(db, &[cart_id]).await?;
    check_version(&mut tx, cart_id, if_match).await?;
    let removed = sqlx::query("DELETE FROM cart_lines WHERE id = $1 AND cart_id = $2")
        .bind(line_id)
        .bind(cart_id)
        .execute(&mut *tx)
        .await?;
    if removed.rows_affected() == 0 {
        return Err(DomainError::NotFound(format!("cart line {line_id}")));
    }
    finish_write(tx, cart_id).await
}

/// Bumps the cart's version and answers the cart as committed.
async fn finish_write(mut tx: WriteTx, cart_id: &str) -> Result<Cart, DomainError> {
    sqlx::query("UPDATE carts SET version = version + 1 WHERE id = $1").bind(cart_id).execute(&mut *tx).await?;
    let cart = load(&mut tx, cart_id).await?;
    tx.commit().await?;
    Ok(cart)
}

/// Reads a cart with every price computed from the catalogue.
pub async fn get(db: &Db, cart_id: &str) -> Result<Cart, DomainError> {
    let mut conn = db.acquire().await?;
    load(&mut conn, cart_id).await
}

pub(super) async fn load(conn: &mut Conn, cart_id: &str) -> Result<Cart, DomainError> {
    let rows = sqlx::query(
        "SELECT l.id, l.product_id, l.variant_id, l.quantity, p.name, p.price_amount, p.images, v.name AS variant_name,
                (SELECT COUNT(*) FROM variants WHERE product_id = p.id) AS variant_count
         FROM cart_lines l
         JOIN products p ON p.id = l.product_id
         JOIN variants v ON v.product_id = l.product_id AND v.id = l.variant_id
         WHERE l.cart_id = $1
         ORDER BY l.added_at, l.id",
    )
    .bind(cart_id)
    .fetch_all(&mut *conn)
    .await?;
    let lines: Vec<CartLine> = rows
        .iter()
        .map(|row| {
            let quantity = row.get::<i64, _>("quantity") as u32;
            let unit = row.get::<i64, _>("price_amount");
            let variant_id: String = row.get("variant_id");
            let product_name: String = row.get("name");
            // A one-variant product is named alone; otherwise the line says which variant it is.
            let name = if row.get::<i64, _>("variant_count") > 1 {
                format!("{product_name} ({})", row.get::<String, _>("variant_name"))
            } else {
                product_name
            };
            let images: Vec<String> = serde_json::from_str(row.get("images")).unwrap_or_default();
            CartLine {
                line_id: row.get("id"),
                image: images.into_iter().next().unwrap_or_default(),
                product_id: row.get::<i64, _>("product_id") as u32,
                variant_id: Some(variant_id),
                name,
                quantity,
                unit_price: Money::new(unit, CURRENCY),
                line_total: Money::new(unit * quantity as i64, CURRENCY),
            }
        })
        .collect();
    let version: i64 =
        sqlx::query_scalar("SELECT version FROM carts WHERE id = $1").bind(cart_id).fetch_one(&mut *conn).await?;
    Ok(Cart {
        cart_id: cart_id.to_string(),
        version: version as u64,
        item_count: lines.iter().map(|l| l.quantity).sum(),
        totals: super::pricing::totals(lines.iter().map(|l| l.line_total.amount).sum()),
        lines,
    })
}

//! The payment provider: a test double of a card processor living inside cart-api, so the demo
//! needs no account anywhere. It behaves like Stripe's test mode: `4242 4242 4242 4242`
//! is authorized, `4000 0000 0000 0002` is declined, any other well-formed card is authorized.
//!
//! The card number reaches this module and nothing else: it is never stored (only its last four
//! digits), never logged and never echoed back.

use crate::db::{Conn, Db};
use contracts::api::{Money, Payment, PaymentRequest};

use super::checkout;
use super::error::{Conflict, DomainError};
use super::idempotency::{once, Fresh, IdempotencyKey};
use crate::clock::now_millis;
use crate::ids::new_id;

/// The test card the provider always declines.
pub const DECLINED_CARD: &str = "4000000000000002";

/// A card as the provider reads it.
struct Card {
    digits: String,
}

impl Card {
    /// Checks number (Luhn), expiry (`MM/YY`, not past) and CVC; the message names the field.
    fn parse(request: &PaymentRequest, now: (u32, u32)) -> Result<Card, DomainError> {
        let digits: String = request.card_number.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if !(12..=19).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) || !luhn(&digits) {
            return Err(DomainError::InvalidCard("cardNumber: not a valid card number".into()));
        }
        let expiry = request.expiry.trim();
        let (month, year) = expiry
            .split_once('/')
            .and_then(|(m, y)| Some((m.trim().parse::<u32>().ok()?, y.trim().parse::<u32>().ok()?)))
            .filter(|(m, y)| (1..=12).contains(m) && *y < 100)
            .ok_or_else(|| DomainError::InvalidCard("expiry: use MM/YY".into()))?;
        if (2000 + year, month) < now {
            return Err(DomainError::InvalidCard("expiry: the card has expired".into()));
        }
        let cvc = request.cvc.trim();
        if !(3..=4).contains(&cvc.len()) || !cvc.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DomainError::InvalidCard("cvc: three or four digits".into()));
        }
        Ok(Card { digits })
    }

    fn last4(&self) -> String {
        self.digits[self.digits.len() - 4..].to_string()
    }
}

fn luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = (b - b'0') as u32;
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 {
                    doubled - 9
                } else {
                    doubled
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// The current (year, month) in UTC.
fn this_month() -> (u32, u32) {
    let days = now_millis() / 86_400_000;
    // Civil-from-days (Howard Hinnant's algorithm), to avoid a date crate for one comparison.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + if month <= 2 { 1 } else { 0 };
    (year as u32, month as u32)
}

/// Authorizes the checkout's current total on the card. A declined card records the attempt and
/// answers 402; the checkout stays at the payment step and no order exists.
pub async fn authorize(
    db: &Db,
    user_id: &str,
    request: &PaymentRequest,
    idempotency: Option<&IdempotencyKey>,
) -> Result<(Payment, bool), DomainError> {
    let card = Card::parse(request, this_month())?;
    let mut tx = checkout::begin_write(db, &request.checkout_session_id, user_id).await?;
    // What a repeat must match; the card number itself is never stored, not even here.
    let fingerprint = format!("{}:{}:{}", request.checkout_session_id, card.last4(), request.expiry.trim());
    let (outcome, replayed) = once(
        &mut tx,
        idempotency,
        &fingerprint,
        async |_, stored| serde_json::from_str(&stored).map(Ok).map_err(|e| DomainError::Corrupt(e.to_string())),
        async |tx| charge(tx, user_id, &request.checkout_session_id, &card).await,
    )
    .await?;
    // A declined card is recorded, so it is committed like an authorization.
    tx.commit().await?;
    Ok((outcome?, replayed))
}

/// Authorizes the total of checkout session `checkout_session_id` on `card` under its lock,
/// or records the decline.
async fn charge(
    tx: &mut Conn,
    user_id: &str,
    checkout_session_id: &str,
    card: &Card,
) -> Result<Fresh<Result<Payment, DomainError>>, DomainError> {
    let session = checkout::load(tx, checkout_session_id, user_id).await?;
    if session.order_id.is_some() {
        return Err(DomainError::Conflict(
            Conflict::CheckoutCompleted,
            "this checkout already placed its order".into(),
        ));
    }
    if session.address.is_none() {
        return Err(DomainError::Conflict(
            Conflict::CheckoutIncomplete,
            "give a shipping address before paying".into(),
        ));
    }
    if session.lines.is_empty() {
        return Err(DomainError::Conflict(Conflict::EmptyCart, "the cart is empty".into()));
    }
    let declined = card.digits == DECLINED_CARD;
    let id = new_id("pay", 12);
    let total = session.totals.total.clone();
    sqlx::query(
        "INSERT INTO payments (id, checkout_session_id, status, amount, currency, card_last4, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(&session.id)
    .bind(if declined { "declined" } else { "authorized" })
    .bind(total.amount)
    .bind(&total.currency)
    .bind(card.last4())
    .bind(now_millis())
    .execute(&mut *tx)
    .await?;
    if declined {
        tracing::info!(checkout_session = %session.id, "payment declined");
        return Ok(Fresh { answer: Err(DomainError::PaymentDeclined), remembered: None });
    }
    // The order will be placed from exactly the cart version this payment covers.
    sqlx::query(
        "UPDATE checkout_sessions SET payment_id = $1, cart_version = (SELECT version FROM carts WHERE id = checkout_sessions.cart_id) WHERE id = $2",
    )
    .bind(&id)
    .bind(&session.id)
    .execute(&mut *tx)
    .await?;
    let payment = Payment {
        payment_id: id,
        status: "authorized".into(),
        card_last4: card.last4(),
        amount: Money::new(total.amount, total.currency),
    };
    let remembered = serde_json::to_string(&payment).ok();
    Ok(Fresh { answer: Ok(payment), remembered })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(number: &str, expiry: &str, cvc: &str) -> PaymentRequest {
        PaymentRequest {
            checkout_session_id: "chk".into(),
            card_number: number.into(),
            expiry: expiry.into(),
            cvc: cvc.into(),
        }
    }

    #[test]
    fn test_cards_pass_the_luhn_check() {
        assert!(luhn("4242424242424242"));
        assert!(luhn(DECLINED_CARD));
        assert!(!luhn("4242424242424241"));
    }

    #[test]
    fn cards_are_checked_field_by_field() {
        let now = (2026, 11);
        assert_eq!(Card::parse(&request("4242 4242 4242 4242", "12/30", "123"), now).unwrap().last4(), "4242");
        for (bad, field) in [
            (request("4242", "12/30", "123"), "cardNumber"),
            (request("4242424242424241", "12/30", "123"), "cardNumber"),
            (request("4242424242424242", "13/30", "123"), "expiry"),
            (request("4242424242424242", "10/26", "123"), "expiry"),
            (request("4242424242424242", "soon", "123"), "expiry"),
            (request("4242424242424242", "12/30", "12a"), "cvc"),
        ] {
            match Card::parse(&bad, now) {
                Err(DomainError::InvalidCard(detail)) => assert!(detail.starts_with(field), "{detail}"),
                other => panic!("{field}: {:?}", other.map(|c| c.last4())),
            }
        }
    }

    #[test]
    fn knows_the_month() {
        let (year, month) = this_month();
        assert!(year >= 2026 && (1..=12).contains(&month));
    }
}

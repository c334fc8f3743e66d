//! Shipping and tax: the only place totals are computed. Front ends show these figures and never
//! add anything up themselves.

use contracts::api::{Money, Totals};

use super::CURRENCY;

/// Orders from this subtotal on ship free.
pub const FREE_SHIPPING_FROM: i64 = 50_00;
/// Flat shipping below that.
pub const SHIPPING: i64 = 4_90;
/// VAT in percent, charged on goods and shipping (catalogue prices are net).
pub const VAT_PERCENT: i64 = 19;

/// Totals of lines worth `subtotal` minor units.
pub fn totals(subtotal: i64) -> Totals {
    let shipping = if subtotal == 0 || subtotal >= FREE_SHIPPING_FROM { 0 } else { SHIPPING };
    // Rounded half up to the cent, in integers: money never goes through floating point.
    let tax = ((subtotal + shipping) * VAT_PERCENT + 50) / 100;
    Totals {
        subtotal: Money::new(subtotal, CURRENCY),
        shipping: Money::new(shipping, CURRENCY),
        tax: Money::new(tax, CURRENCY),
        total: Money::new(subtotal + shipping + tax, CURRENCY),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_cart_costs_nothing() {
        let t = totals(0);
        assert_eq!((t.shipping.amount, t.tax.amount, t.total.amount), (0, 0, 0));
    }

    #[test]
    fn small_orders_pay_shipping_and_tax_on_it() {
        let t = totals(10_00);
        assert_eq!(t.shipping.amount, 4_90);
        assert_eq!(t.tax.amount, 2_83); // 19 % of 14.90 = 2.831
        assert_eq!(t.total.amount, 10_00 + 4_90 + 2_83);
    }

    #[test]
    fn shipping_is_free_from_the_threshold_and_tax_rounds_half_up() {
        let t = totals(FREE_SHIPPING_FROM);
        assert_eq!(t.shipping.amount, 0);
        assert_eq!(t.tax.amount, 9_50);
        assert_eq!(totals(50_50).tax.amount, 9_60); // 959.5 rounds up
    }
}

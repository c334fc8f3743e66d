//! JSON shapes of the cart API (`/api/*`), shared by `cart-api` and every front end so both
//! sides of the wire compile against one definition. All fields are camelCase on the wire.
//!
//! One file on purpose, longer than the rest: it is the API's whole vocabulary (every request,
//! answer, limit and name both sides use), read top to bottom as its glossary; split, the
//! promise "one definition" would have to be looked for.

use serde::{Deserialize, Serialize};

/// The names of the visitor's session cookie (the cart API answers with one of them; the second
/// with `COOKIE_SECURE=true`). A server half asks for a visitor's cart only when they have one:
/// asking without it would open a session whose cookie never reaches the browser.
pub const SESSION_COOKIES: [&str; 2] = ["store_session", "__Host-store_session"];

/// The countries the store ships to (ISO 3166-1 alpha-2): the server accepts an address in one
/// of them, the checkout's form offers them.
pub const SHIPPING_COUNTRIES: [&str; 14] =
    ["AT", "BE", "CH", "DE", "DK", "ES", "FR", "GB", "IE", "IT", "NL", "PL", "SE", "US"];

/// The orders `GET /api/products?sort=` knows; no `sort` (or an empty one) is `featured`.
pub const PRODUCT_SORTS: [&str; 5] = ["featured", "price-asc", "price-desc", "name", "newest"];

/// Products in one page of `GET /api/products` when `pageSize` is not given, and at most.
pub const DEFAULT_PAGE_SIZE: u32 = 12;
pub const MAX_PAGE_SIZE: u32 = 48;

/// An amount of money in minor units (cents) with its ISO 4217 currency.
///
/// Front ends only display money; every price and total is computed by the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Money {
    pub amount: i64,
    pub currency: String,
}

impl Money {
    pub fn new(amount: i64, currency: impl Into<String>) -> Self {
        Self { amount, currency: currency.into() }
    }

    /// Digits after the decimal point for the currency (ISO 4217 exponent).
    pub fn exponent(&self) -> u32 {
        match self.currency.as_str() {
            "JPY" | "KRW" | "ISK" => 0,
            "BHD" | "KWD" | "OMR" | "TND" => 3,
            _ => 2,
        }
    }

    /// The amount in major units, for display only.
    pub fn major_units(&self) -> f64 {
        self.amount as f64 / 10f64.powi(self.exponent() as i32)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Variant {
    pub id: String,
    pub name: String,
    pub stock: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Product {
    pub id: u32,
    pub name: String,
    pub description: String,
    /// Slug of the product's category.
    pub category: String,
    pub price: Money,
    /// Same-origin image paths, first one is the main picture.
    pub images: Vec<String>,
    pub variants: Vec<Variant>,
}

impl Product {
    pub fn variant(&self, id: &str) -> Option<&Variant> {
        self.variants.iter().find(|v| v.id == id)
    }
}

/// `GET /api/products`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ProductPage {
    pub items: Vec<Product>,
    pub total: u32,
    pub page: u32,
    pub page_size: u32,
}

/// `GET /api/products/{id}/recommendations`: other products for one, the catalog team's
/// recommendations fragment shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Recommendations {
    /// Never the product itself, none twice: in the chosen variant's option first, then from its
    /// category, then the rest of the catalogue, each in the catalogue's own order.
    pub items: Vec<Product>,
    /// The option's name (e.g. `Red`) when every item comes in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub option: Option<String>,
}

/// How many products [`Recommendations`] holds at most.
pub const RECOMMENDED: usize = 4;

/// An item of `GET /api/categories`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Category {
    pub slug: String,
    pub name: String,
}

/// Body of `POST /api/cart/items`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AddCartItem {
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub product_id: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant_id: Option<String>,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 99))]
    pub quantity: u32,
}

/// Body of `PATCH /api/cart/items/{lineId}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SetQuantity {
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 99))]
    pub quantity: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CartLine {
    pub line_id: String,
    pub product_id: u32,
    pub variant_id: Option<String>,
    pub name: String,
    /// Same-origin path of the product's main picture.
    pub image: String,
    pub quantity: u32,
    pub unit_price: Money,
    pub line_total: Money,
}

/// The cart as the server computed it: `GET /api/cart` and every cart write answer with it.
///
/// On the wire the totals sit beside the other fields (`{ cartId, ..., subtotal, shipping, tax,
/// total }`). `#[serde(flatten)]` would say so, but it makes serde buffer the whole object before
/// reading it, which costs kilobytes of code in every browser bundle that reads a cart; a flat
/// twin (`wire::Cart`) converted on the way in and out costs nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "wire::Cart", into = "wire::Cart")]
pub struct Cart {
    pub cart_id: String,
    /// Grows with every change; also the cart's `ETag`, for `If-Match` on writes.
    pub version: u64,
    pub item_count: u32,
    pub lines: Vec<CartLine>,
    pub totals: Totals,
}

/// The part of a [`Cart`] a summary shows (the header's count and subtotal), read from the same
/// `GET /api/cart` answer. A consumer that needs three fields does not decode the lines: in a
/// browser bundle every decoded type costs bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CartSummary {
    pub cart_id: String,
    pub item_count: u32,
    pub subtotal: Money,
}

/// What a cart or an order costs, every figure computed by the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Totals {
    pub subtotal: Money,
    pub shipping: Money,
    pub tax: Money,
    pub total: Money,
}

/// Body of `POST /api/session/login`. Sent over the API only: never in an event, the URL or
/// storage.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SignIn {
    pub email: String,
    pub password: String,
}

impl std::fmt::Debug for SignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignIn").field("email", &self.email).field("password", &"<redacted>").finish()
    }
}

/// Body of `POST /api/accounts`: creates an account and signs it in.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SignUp {
    #[cfg_attr(feature = "openapi", schema(max_length = 254, format = Email))]
    pub email: String,
    pub password: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 60))]
    pub display_name: String,
}

impl std::fmt::Debug for SignUp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignUp")
            .field("email", &self.email)
            .field("display_name", &self.display_name)
            .finish_non_exhaustive()
    }
}

/// Body of `POST /api/session/logout`: nothing to say but that.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SignOut {}

/// A shipping address; the server validates every field (`PUT /api/checkout/sessions/{id}/address`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Address {
    pub name: String,
    pub line1: String,
    pub city: String,
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z0-9 -]{3,10}$"))]
    pub postal_code: String,
    /// ISO 3166-1 alpha-2, e.g. `DE`.
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z]{2}$"))]
    pub country: String,
}

/// Body of `POST /api/checkout/sessions`: starts a checkout of the caller's current cart.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StartCheckout {}

/// Where a checkout stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum CheckoutStep {
    Address,
    Payment,
    Review,
    Completed,
}

/// A checkout session: the cart's lines and totals as they were when it started, plus what the
/// visitor has given so far. Its totals sit beside its other fields on the wire, as a cart's do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "wire::CheckoutSession", into = "wire::CheckoutSession")]
pub struct CheckoutSession {
    pub id: String,
    pub step: CheckoutStep,
    pub lines: Vec<CartLine>,
    pub totals: Totals,
    pub address: Option<Address>,
    /// Last four digits of the authorized card, once paid.
    pub card_last4: Option<String>,
    pub order_id: Option<String>,
}

/// Body of `POST /api/payments`: goes to the payment provider module inside cart-api and
/// nowhere else. Its `Debug` never shows the card.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PaymentRequest {
    pub checkout_session_id: String,
    pub card_number: String,
    /// `MM/YY`
    #[cfg_attr(feature = "openapi", schema(pattern = "^[0-9]{2}/[0-9]{2}$"))]
    pub expiry: String,
    #[cfg_attr(feature = "openapi", schema(pattern = "^[0-9]{3,4}$"))]
    pub cvc: String,
}

impl std::fmt::Debug for PaymentRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PaymentRequest").field("checkout_session_id", &self.checkout_session_id).finish_non_exhaustive()
    }
}

/// What the payment provider answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Payment {
    pub payment_id: String,
    /// `authorized`; a declined card is a `402` problem instead.
    pub status: String,
    pub card_last4: String,
    pub amount: Money,
}

/// Body of `POST /api/orders`: places the order of a paid checkout session, exactly once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PlaceOrder {
    pub checkout_session_id: String,
}

/// `GET /api/orders/{id}`, and the answer of `POST /api/orders`. Its totals sit beside its
/// other fields on the wire, as a cart's do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "wire::Order", into = "wire::Order")]
pub struct Order {
    pub order_id: String,
    pub status: String,
    /// Milliseconds since the Unix epoch.
    pub created_at: i64,
    pub lines: Vec<CartLine>,
    pub totals: Totals,
    pub address: Address,
    pub card_last4: String,
}

/// An item of `GET /api/orders`, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OrderSummary {
    pub order_id: String,
    pub status: String,
    pub created_at: i64,
    pub item_count: u32,
    pub total: Money,
}

/// An RFC 9457 problem document, the body of every 4xx/5xx answer
/// (`Content-Type: application/problem+json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    /// A stable URI-like identifier of the kind of problem, e.g. `/problems/out-of-stock`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl Problem {
    /// Whether this problem is of `kind`: its `type` is `/problems/<kind>`.
    pub fn is(&self, kind: crate::problems::ProblemKind) -> bool {
        self.kind.strip_prefix("/problems/") == Some(kind.name())
    }
}

/// One event as the shell's analytics layer forwards it: the envelope's facts plus where and
/// under which shell it happened. No personal data: payloads are the event contracts' own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AnalyticsEvent {
    pub name: String,
    pub version: u32,
    pub publisher: String,
    pub shell: String,
    pub route: String,
    /// Milliseconds since the Unix epoch, from the envelope.
    pub time: f64,
    /// The event's payload, as its contract in `docs/events.md` describes it.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub payload: serde_json::Value,
}

/// Body of `POST /api/analytics/events`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AnalyticsBatch {
    pub events: Vec<AnalyticsEvent>,
}

/// The flat wire shapes of the types whose totals sit beside their other fields.
mod wire {
    use serde::{Deserialize, Serialize};

    use super::{Address, CartLine, CheckoutStep, Money, Totals};

    #[derive(Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = Cart))]
    #[serde(rename_all = "camelCase")]
    pub struct Cart {
        cart_id: String,
        version: u64,
        item_count: u32,
        lines: Vec<CartLine>,
        subtotal: Money,
        shipping: Money,
        tax: Money,
        total: Money,
    }

    impl From<Cart> for super::Cart {
        fn from(w: Cart) -> Self {
            let totals = Totals { subtotal: w.subtotal, shipping: w.shipping, tax: w.tax, total: w.total };
            Self { cart_id: w.cart_id, version: w.version, item_count: w.item_count, lines: w.lines, totals }
        }
    }

    impl From<super::Cart> for Cart {
        fn from(c: super::Cart) -> Self {
            let Totals { subtotal, shipping, tax, total } = c.totals;
            Self {
                cart_id: c.cart_id,
                version: c.version,
                item_count: c.item_count,
                lines: c.lines,
                subtotal,
                shipping,
                tax,
                total,
            }
        }
    }

    #[derive(Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = CheckoutSession))]
    #[serde(rename_all = "camelCase")]
    pub struct CheckoutSession {
        id: String,
        step: CheckoutStep,
        lines: Vec<CartLine>,
        subtotal: Money,
        shipping: Money,
        tax: Money,
        total: Money,
        address: Option<Address>,
        card_last4: Option<String>,
        order_id: Option<String>,
    }

    impl From<CheckoutSession> for super::CheckoutSession {
        fn from(w: CheckoutSession) -> Self {
            let totals = Totals { subtotal: w.subtotal, shipping: w.shipping, tax: w.tax, total: w.total };
            Self {
                id: w.id,
                step: w.step,
                lines: w.lines,
                totals,
                address: w.address,
                card_last4: w.card_last4,
                order_id: w.order_id,
            }
        }
    }

    impl From<super::CheckoutSession> for CheckoutSession {
        fn from(c: super::CheckoutSession) -> Self {
            let Totals { subtotal, shipping, tax, total } = c.totals;
            Self {
                id: c.id,
                step: c.step,
                lines: c.lines,
                subtotal,
                shipping,
                tax,
                total,
                address: c.address,
                card_last4: c.card_last4,
                order_id: c.order_id,
            }
        }
    }

    #[derive(Serialize, Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = Order))]
    #[serde(rename_all = "camelCase")]
    pub struct Order {
        order_id: String,
        status: String,
        created_at: i64,
        lines: Vec<CartLine>,
        subtotal: Money,
        shipping: Money,
        tax: Money,
        total: Money,
        address: Address,
        card_last4: String,
    }

    impl From<Order> for super::Order {
        fn from(w: Order) -> Self {
            let totals = Totals { subtotal: w.subtotal, shipping: w.shipping, tax: w.tax, total: w.total };
            Self {
                order_id: w.order_id,
                status: w.status,
                created_at: w.created_at,
                lines: w.lines,
                totals,
                address: w.address,
                card_last4: w.card_last4,
            }
        }
    }

    impl From<super::Order> for Order {
        fn from(o: super::Order) -> Self {
            let Totals { subtotal, shipping, tax, total } = o.totals;
            Self {
                order_id: o.order_id,
                status: o.status,
                created_at: o.created_at,
                lines: o.lines,
                subtotal,
                shipping,
                tax,
                total,
                address: o.address,
                card_last4: o.card_last4,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cart_serializes_in_camel_case() {
        let cart = Cart {
            cart_id: "c1".into(),
            item_count: 2,
            lines: vec![CartLine {
                line_id: "l1".into(),
                product_id: 7,
                variant_id: Some("red".into()),
                name: "Tractor".into(),
                image: "/images/1.svg".into(),
                quantity: 2,
                unit_price: Money::new(1999, "EUR"),
                line_total: Money::new(3998, "EUR"),
            }],
            version: 3,
            totals: Totals {
                subtotal: Money::new(3998, "EUR"),
                shipping: Money::new(490, "EUR"),
                tax: Money::new(853, "EUR"),
                total: Money::new(5341, "EUR"),
            },
        };
        let json = serde_json::to_value(&cart).unwrap();
        assert_eq!(json["cartId"], "c1");
        assert_eq!(json["itemCount"], 2);
        assert_eq!(json["lines"][0]["unitPrice"]["amount"], 1999);
        assert_eq!(json["lines"][0]["variantId"], "red");
        assert_eq!(json["total"]["amount"], 5341, "totals sit beside the lines");
        let summary: CartSummary = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(summary, CartSummary { cart_id: "c1".into(), item_count: 2, subtotal: Money::new(3998, "EUR") });
        assert_eq!(serde_json::from_value::<Cart>(json).unwrap(), cart);
    }

    #[test]
    fn add_item_refuses_unknown_fields() {
        let err = serde_json::from_str::<AddCartItem>(r#"{"productId":1,"quantity":1,"price":1}"#);
        assert!(err.is_err(), "a client must not be able to send a price");
        let ok: AddCartItem = serde_json::from_str(r#"{"productId":1,"quantity":2}"#).unwrap();
        assert_eq!(ok.variant_id, None);
    }

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let payment = PaymentRequest {
            checkout_session_id: "chk_1".into(),
            card_number: "4242424242424242".into(),
            expiry: "12/30".into(),
            cvc: "123".into(),
        };
        let shown = format!("{payment:?}");
        assert!(!shown.contains("4242") && !shown.contains("123"), "{shown}");
        let sign_in = SignIn { email: "a@b.c".into(), password: "hunter2".into() };
        assert!(!format!("{sign_in:?}").contains("hunter2"));
    }
}

/// The types that travel as their flat twin ([`wire`]) are described as that twin: what a client
/// sees on the wire.
#[cfg(feature = "openapi")]
mod openapi {
    use std::borrow::Cow;

    use utoipa::openapi::{RefOr, Schema};
    use utoipa::{PartialSchema, ToSchema};

    macro_rules! described_as_wire {
        ($($name:ident),*) => {$(
            impl PartialSchema for super::$name {
                fn schema() -> RefOr<Schema> {
                    super::wire::$name::schema()
                }
            }

            impl ToSchema for super::$name {
                fn name() -> Cow<'static, str> {
                    Cow::Borrowed(stringify!($name))
                }

                fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
                    super::wire::$name::schemas(schemas)
                }
            }
        )*};
    }

    described_as_wire!(Cart, CheckoutSession, Order);
}

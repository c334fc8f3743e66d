//! The kinds of problem the cart API answers with: the `type` of every RFC 9457 problem document
//! (`/problems/<kind>`). The server names one when it answers; a front end matches on it instead
//! of on a status code or a string it spelled itself.
//!
//! On the wire the `type` stays text ([`crate::api::Problem::kind`]): a kind added by a newer
//! server reaches an older front end as a problem it does not know, never as a decoding error,
//! and no browser bundle carries a decoder for the whole list.

/// Every problem kind, with the status it is answered with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProblemKind {
    /// A header, the query or the path is not valid.
    BadRequest,
    /// The body is larger than the API reads.
    BodyTooLarge,
    /// The body is not of the media type the route reads.
    UnsupportedMediaType,
    /// The body does not match its schema.
    InvalidBody,
    MethodNotAllowed,
    NotFound,
    /// The product or variant of a cart write does not exist.
    UnknownItem,
    OutOfStock,
    /// A quantity outside 1–99, or more lines than a cart holds.
    QuantityLimit,
    /// A state-changing request another site started.
    CrossSiteRequest,
    /// The same `Idempotency-Key` with a different request.
    IdempotencyKeyReused,
    SignInRequired,
    InvalidCredentials,
    /// Too many failed sign-ins, or new accounts, from one address.
    TooManyAttempts,
    /// Shed before any work was done; retry after `Retry-After`.
    Overloaded,
    RequestTimeout,
    /// The database does not answer (`GET /api/ready`).
    NotReady,
    InvalidAddress,
    InvalidAccount,
    InvalidCard,
    PaymentDeclined,
    /// An account with this e-mail address exists.
    AccountExists,
    /// This checkout placed its order already.
    CheckoutCompleted,
    /// The checkout lacks its address or its payment.
    CheckoutIncomplete,
    EmptyCart,
    /// The cart changed after it was paid for: review it and pay again.
    CartChanged,
    /// The cart's version is not the `If-Match` the write was made against.
    PreconditionFailed,
    /// A fault of the server's; its log holds the details under the request's trace id.
    Internal,
}

impl ProblemKind {
    pub const ALL: [ProblemKind; 28] = [
        ProblemKind::BadRequest,
        ProblemKind::BodyTooLarge,
        ProblemKind::UnsupportedMediaType,
        ProblemKind::InvalidBody,
        ProblemKind::MethodNotAllowed,
        ProblemKind::NotFound,
        ProblemKind::UnknownItem,
        ProblemKind::OutOfStock,
        ProblemKind::QuantityLimit,
        ProblemKind::CrossSiteRequest,
        ProblemKind::IdempotencyKeyReused,
        ProblemKind::SignInRequired,
        ProblemKind::InvalidCredentials,
        ProblemKind::TooManyAttempts,
        ProblemKind::Overloaded,
        ProblemKind::RequestTimeout,
        ProblemKind::NotReady,
        ProblemKind::InvalidAddress,
        ProblemKind::InvalidAccount,
        ProblemKind::InvalidCard,
        ProblemKind::PaymentDeclined,
        ProblemKind::AccountExists,
        ProblemKind::CheckoutCompleted,
        ProblemKind::CheckoutIncomplete,
        ProblemKind::EmptyCart,
        ProblemKind::CartChanged,
        ProblemKind::PreconditionFailed,
        ProblemKind::Internal,
    ];

    /// The kind's name, as in `/problems/<name>`.
    pub const fn name(self) -> &'static str {
        match self {
            ProblemKind::BadRequest => "bad-request",
            ProblemKind::BodyTooLarge => "body-too-large",
            ProblemKind::UnsupportedMediaType => "unsupported-media-type",
            ProblemKind::InvalidBody => "invalid-body",
            ProblemKind::MethodNotAllowed => "method-not-allowed",
            ProblemKind::NotFound => "not-found",
            ProblemKind::UnknownItem => "unknown-item",
            ProblemKind::OutOfStock => "out-of-stock",
            ProblemKind::QuantityLimit => "quantity-limit",
            ProblemKind::CrossSiteRequest => "cross-site-request",
            ProblemKind::IdempotencyKeyReused => "idempotency-key-reused",
            ProblemKind::SignInRequired => "sign-in-required",
            ProblemKind::InvalidCredentials => "invalid-credentials",
            ProblemKind::TooManyAttempts => "too-many-attempts",
            ProblemKind::Overloaded => "overloaded",
            ProblemKind::RequestTimeout => "request-timeout",
            ProblemKind::NotReady => "not-ready",
            ProblemKind::InvalidAddress => "invalid-address",
            ProblemKind::InvalidAccount => "invalid-account",
            ProblemKind::InvalidCard => "invalid-card",
            ProblemKind::PaymentDeclined => "payment-declined",
            ProblemKind::AccountExists => "account-exists",
            ProblemKind::CheckoutCompleted => "checkout-completed",
            ProblemKind::CheckoutIncomplete => "checkout-incomplete",
            ProblemKind::EmptyCart => "empty-cart",
            ProblemKind::CartChanged => "cart-changed",
            ProblemKind::PreconditionFailed => "precondition-failed",
            ProblemKind::Internal => "internal",
        }
    }

    /// The HTTP status a problem of this kind is answered with.
    pub const fn status(self) -> u16 {
        match self {
            ProblemKind::BadRequest => 400,
            ProblemKind::SignInRequired | ProblemKind::InvalidCredentials => 401,
            ProblemKind::PaymentDeclined => 402,
            ProblemKind::CrossSiteRequest => 403,
            ProblemKind::NotFound => 404,
            ProblemKind::MethodNotAllowed => 405,
            ProblemKind::RequestTimeout => 408,
            ProblemKind::OutOfStock
            | ProblemKind::AccountExists
            | ProblemKind::CheckoutCompleted
            | ProblemKind::CheckoutIncomplete
            | ProblemKind::EmptyCart
            | ProblemKind::CartChanged => 409,
            ProblemKind::PreconditionFailed => 412,
            ProblemKind::BodyTooLarge => 413,
            ProblemKind::UnsupportedMediaType => 415,
            ProblemKind::InvalidBody
            | ProblemKind::UnknownItem
            | ProblemKind::QuantityLimit
            | ProblemKind::IdempotencyKeyReused
            | ProblemKind::InvalidAddress
            | ProblemKind::InvalidAccount
            | ProblemKind::InvalidCard => 422,
            ProblemKind::TooManyAttempts => 429,
            ProblemKind::Internal => 500,
            ProblemKind::Overloaded | ProblemKind::NotReady => 503,
        }
    }

    /// The problem document's `type`: `/problems/<name>`.
    pub fn uri(self) -> String {
        format!("/problems/{}", self.name())
    }

    /// The kind a problem document's `type` names, if this crate knows it.
    pub fn of(kind: &str) -> Option<ProblemKind> {
        let name = kind.strip_prefix("/problems/")?;
        ProblemKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::ProblemKind;

    #[test]
    fn every_kind_reads_back_from_its_uri_and_has_an_error_status() {
        for kind in ProblemKind::ALL {
            assert_eq!(ProblemKind::of(&kind.uri()), Some(kind));
            assert!((400..600).contains(&kind.status()), "{kind:?}");
        }
        assert_eq!(ProblemKind::of("/problems/something-new"), None);
        assert_eq!(ProblemKind::of("out-of-stock"), None);
    }

    #[test]
    fn only_the_servers_own_faults_are_5xx_besides_sheds() {
        let server_side: Vec<_> = ProblemKind::ALL.into_iter().filter(|k| k.status() >= 500).collect();
        assert_eq!(server_side, [ProblemKind::Overloaded, ProblemKind::NotReady, ProblemKind::Internal]);
    }
}

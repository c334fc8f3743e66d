//! The cart summary's server half: one process, deployed with the cart team's releases, that
//! renders the header fragment for the composer (see `cart_summary::server`).

#[tokio::main]
async fn main() -> std::io::Result<()> {
    contracts::server::serve("cart-summary", cart_summary::server::render).await
}

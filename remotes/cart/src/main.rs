//! The cart's server half: one process, deployed with the cart team's releases, that renders
//! the cart page for the composer (see `cart::server`).

#[tokio::main]
async fn main() -> std::io::Result<()> {
    contracts::server::serve("cart", cart::server::render).await
}

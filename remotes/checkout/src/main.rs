//! The checkout's server half: one process, deployed with the checkout team's releases, that
//! renders the order pages for the composer (see `checkout::server`).

#[tokio::main]
async fn main() -> std::io::Result<()> {
    contracts::server::serve("checkout", checkout::server::render).await
}

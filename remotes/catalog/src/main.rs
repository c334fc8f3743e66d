//! The catalog's server half: one process, deployed with the catalog's own releases, that
//! renders the listing for the composer (see `catalog::server`).

#[tokio::main]
async fn main() -> std::io::Result<()> {
    contracts::server::serve("catalog", catalog::server::render).await
}

//! The product page's server half: one process, deployed with product-details' own releases,
//! that renders the product for the composer (see `product_details::server`).

#[tokio::main]
async fn main() -> std::io::Result<()> {
    contracts::server::serve("product-details", product_details::server::render).await
}

use cart_api::{config::Config, Application};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "cart_api=info,tower_http=info".into()),
        )
        .init();
    let app = Application::build(Config::from_env()?).await?;
    // The e2e harness and `cargo xtask demo` read this line to find the port.
    println!("cart-api listening on http://{}", app.local_addr());
    app.run_until_stopped().await?;
    Ok(())
}

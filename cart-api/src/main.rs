use cart_api::config::Config;
use cart_api::Application;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let format = std::env::var("LOG_FORMAT").unwrap_or_default().parse()?;
    cart_api::telemetry::init_logging(format);
    // A panicking handler is answered with a 500 problem (CatchPanicLayer); this hook logs the
    // panic once, through tracing, inside the request's span and so with its trace id.
    std::panic::set_hook(Box::new(|panic| tracing::error!(%panic, "panicked")));
    let app = Application::build(Config::from_env()?).await?;
    // The e2e harness and `cargo xtask demo` read this line to find the port.
    println!("cart-api listening on http://{}", app.local_addr());
    app.run_until_stopped().await?;
    // Everything acknowledged is committed and the pool is closed: a clean exit, status 0.
    Ok(())
}

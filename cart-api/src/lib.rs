//! The cart API: the backend source of truth for the catalogue, carts and sessions, and the
//! server of the built front end (`dist/`) on the same origin.

mod clock;
pub mod config;
mod db;
mod domain;
mod error;
pub mod fixture;
mod frontend;
mod ids;
mod metrics;
mod overload;
mod routes;
mod security;
mod server;
mod session;
pub mod telemetry;

use std::net::SocketAddr;

use tokio::net::TcpListener;

pub use error::ApiError;

/// Shared by every handler.
#[derive(Clone)]
pub struct AppState {
    pub(crate) db: crate::db::Db,
    pub(crate) dist_dir: std::path::PathBuf,
    pub(crate) cookie_secure: bool,
    pub(crate) cors_allow_origin: Option<axum::http::HeaderValue>,
    pub(crate) trusted_proxies: std::sync::Arc<[std::net::IpAddr]>,
    /// Password hashes computed at once: each takes a core for tens of milliseconds.
    pub(crate) hashing: overload::Gate,
    /// The catalogue in memory, dropped when this process changes stock.
    pub(crate) catalogue: std::sync::Arc<domain::catalog::Catalogue>,
    /// The composer pages are sent through, when there is one (`COMPOSER_URL`).
    pub(crate) composer: Option<frontend::Composer>,
    pub(crate) public_origin: Option<String>,
}

/// A bound, ready server. Built on port 0 it lets every test run its own instance in parallel.
pub struct Application {
    listener: TcpListener,
    router: axum::Router,
    db: db::Db,
    limits: config::Limits,
    /// `GET /metrics`, on its own listener (`METRICS_ADDR`).
    metrics: Option<(TcpListener, axum::Router)>,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("database: {0}")]
    Database(#[from] db::DbError),
    #[error("cannot seed the demo account: {0}")]
    Seed(String),
    #[error("cannot listen: {0}")]
    Listen(#[from] std::io::Error),
}

impl Application {
    pub async fn build(config: config::Config) -> Result<Self, StartError> {
        let db = db::connect(&config.database_url).await?;
        // The demo account is the application's data, not the schema's: seeded here, after the
        // migrations, so that `db` stays below the domain.
        domain::identity::seed_demo_account(&db).await.map_err(|e| StartError::Seed(e.to_string()))?;
        let cors_allow_origin = config.cors_allow_origin.as_deref().and_then(|o| o.parse().ok());
        let state = AppState {
            db: db.clone(),
            dist_dir: config.dist_dir,
            cookie_secure: config.cookie_secure,
            cors_allow_origin,
            trusted_proxies: config.trusted_proxies.into(),
            hashing: overload::Gate::new(
                config.limits.hashing_concurrency,
                4 * config.limits.hashing_concurrency,
                config.limits.request_timeout / 2,
            ),
            catalogue: Default::default(),
            composer: config.composer_url.map(frontend::Composer::new),
            public_origin: config.public_origin,
        };
        let listener = TcpListener::bind(config.addr).await?;
        let counts = metrics::Metrics::default();
        let metrics = match config.metrics_addr {
            Some(addr) => Some((TcpListener::bind(addr).await?, metrics::router(counts.clone(), db.clone()))),
            None => None,
        };
        let router = routes::router(state, counts, &config.remote_origins, &config.limits, config.compress_api);
        Ok(Self { listener, router, db, limits: config.limits, metrics })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
    }

    /// Where `GET /metrics` answers, when `METRICS_ADDR` is set.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics.as_ref().and_then(|(listener, _)| listener.local_addr().ok())
    }

    /// Serves until SIGTERM or Ctrl-C, then drains (see [`Application::run_until`]).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.run_until(shutdown_signal()).await
    }

    /// Serves until `stop` completes; then refuses new connections, lets the requests in flight
    /// finish, stops the sweep between two rounds and closes the database.
    pub async fn run_until(self, stop: impl std::future::Future<Output = ()>) -> std::io::Result<()> {
        let (stop_sweeping, sweeping) = tokio::sync::watch::channel(false);
        let sweeper = tokio::spawn(domain::retention::run(self.db.clone(), sweeping));
        // Scrapes are few and cheap: axum's own server, without the public listener's limits.
        let scraping = self.metrics.map(|(listener, router)| {
            tokio::spawn(std::future::IntoFuture::into_future(axum::serve(listener, router)))
        });
        server::serve(self.listener, self.router, &self.limits, stop).await;
        let _ = stop_sweeping.send(true);
        let _ = sweeper.await;
        if let Some(scraping) = scraping {
            scraping.abort();
        }
        self.db.close().await;
        tracing::info!("stopped");
        Ok(())
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
}

//! Configuration from the environment, with defaults that run the demo with nothing set.

use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Config {
    /// `ADDR`, default `127.0.0.1:8080`. Port 0 picks a free port (the tests use it).
    pub addr: SocketAddr,
    /// `DATABASE_URL`, default a SQLite file under `data/`.
    pub database_url: String,
    /// `DIST_DIR`, default `dist`: the built front end.
    pub dist_dir: PathBuf,
    /// `COOKIE_SECURE=true` when the store is served over HTTPS (directly or behind a proxy):
    /// the session cookie is then sent over HTTPS only. Default false, for http://127.0.0.1.
    pub cookie_secure: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("ADDR={0:?} is not a socket address such as 127.0.0.1:8080")]
    Addr(String),
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        let addr = std::env::var("ADDR").unwrap_or_else(|_| "127.0.0.1:8080".into());
        Ok(Self {
            addr: addr.parse().map_err(|_| ConfigError::Addr(addr))?,
            database_url: std::env::var("DATABASE_URL")
                .unwrap_or_else(|_| "sqlite://data/store.db".into()),
            dist_dir: std::env::var_os("DIST_DIR").map(PathBuf::from).unwrap_or_else(|| "dist".into()),
            cookie_secure: std::env::var("COOKIE_SECURE").is_ok_and(|v| v == "true" || v == "1"),
        })
    }
}

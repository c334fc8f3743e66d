//! Configuration from the environment, with defaults that run the demo with nothing set.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Config {
    /// `ADDR`, default `127.0.0.1:8080`. Port 0 picks a free port (the tests use it).
    pub addr: SocketAddr,
    /// `DATABASE_URL`, default a SQLite file under `data/`; `postgres://user@host/db` runs on
    /// PostgreSQL, where any number of cart-api processes can share the database.
    pub database_url: String,
    /// `DIST_DIR`, default `dist`: the built front end.
    pub dist_dir: PathBuf,
    /// `COOKIE_SECURE=true` when the store is served over HTTPS (directly or behind a proxy):
    /// the session cookie is then sent over HTTPS only. Default false, for http://127.0.0.1.
    pub cookie_secure: bool,
    /// `REMOTE_ORIGINS`: comma-separated origins (`https://remotes.example.com`) remotes may be
    /// loaded from; the Content-Security-Policy allows their scripts, styles and fetches.
    pub remote_origins: Vec<String>,
    /// `CORS_ALLOW_ORIGIN`: when this server hosts remotes for a shell on another origin, the
    /// origin (or `*`) allowed to load its files.
    pub cors_allow_origin: Option<String>,
    /// `TRUSTED_PROXIES`: comma-separated addresses of the load balancers or proxies in front of
    /// this server. Only a request from one of them has its `X-Forwarded-For` believed, for the
    /// per-address sign-in limit; from anyone else the header could be forged.
    pub trusted_proxies: Vec<IpAddr>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("ADDR={0:?} is not a socket address such as 127.0.0.1:8080")]
    Addr(String),
    #[error("{0:?} is not an origin such as https://remotes.example.com")]
    Origin(String),
    #[error("TRUSTED_PROXIES: {0:?} is not an IP address such as 10.0.0.2")]
    Proxy(String),
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
            remote_origins: std::env::var("REMOTE_ORIGINS")
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|o| !o.is_empty())
                .map(|o| parse_origin(o).ok_or_else(|| ConfigError::Origin(o.to_string())))
                .collect::<Result<_, _>>()?,
            cors_allow_origin: match std::env::var("CORS_ALLOW_ORIGIN") {
                Ok(o) if o == "*" => Some(o),
                Ok(o) => Some(parse_origin(&o).ok_or(ConfigError::Origin(o))?),
                Err(_) => None,
            },
            trusted_proxies: std::env::var("TRUSTED_PROXIES")
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(|a| a.parse().map_err(|_| ConfigError::Proxy(a.to_string())))
                .collect::<Result<_, _>>()?,
        })
    }
}

/// `scheme://host[:port]`, nothing else: it goes into response headers as it is.
fn parse_origin(origin: &str) -> Option<String> {
    let (scheme, rest) = origin.split_once("://")?;
    let valid = matches!(scheme, "http" | "https")
        && !rest.is_empty()
        && rest.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    valid.then(|| origin.to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn origins_are_checked() {
        assert_eq!(super::parse_origin("http://127.0.0.1:8091").as_deref(), Some("http://127.0.0.1:8091"));
        assert!(super::parse_origin("https://cdn.example.com").is_some());
        for bad in ["cdn.example.com", "ftp://x", "https://x/path", "https://x; script-src *", "https://"] {
            assert!(super::parse_origin(bad).is_none(), "{bad}");
        }
    }
}

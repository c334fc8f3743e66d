//! Configuration from the environment, with defaults that run the demo with nothing set.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

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
    /// `COMPOSER_URL`: the shell team's composer (`http://127.0.0.1:8090`). With it, every page
    /// goes out with the remotes' server-rendered slots; without it (or when it does not answer
    /// within [`COMPOSE_BUDGET`]) pages are rendered in the browser only, as they always can be.
    pub composer_url: Option<String>,
    /// `PUBLIC_ORIGIN`: the origin visitors use (`https://shop.example.com`), for canonical links
    /// and the sitemap; default the request's own `Host` over http.
    pub public_origin: Option<String>,
    /// `COMPRESS_API=true`: JSON answers above 1 KB are compressed for clients that accept it.
    /// Off by default: measured here it costs about a third of the API's throughput, and a
    /// proxy in front usually compresses anyway.
    pub compress_api: bool,
    /// `METRICS_ADDR`: where Prometheus metrics are served (`GET /metrics`), on an address of
    /// their own; off when unset.
    pub metrics_addr: Option<SocketAddr>,
    /// What one connection, one request and the whole process may take (see [`Limits`]).
    pub limits: Limits,
}

/// How long a page may wait for the composer in all. The composer gives each fragment less
/// (`FRAGMENT_BUDGET_MS`); this only covers a composer that does not answer at all.
pub const COMPOSE_BUDGET: Duration = Duration::from_millis(1_000);

/// The limits that keep slow, greedy or too many clients from hurting the others. Each is a
/// setting; the defaults suit one process on a small machine behind a proxy.
#[derive(Debug, Clone)]
pub struct Limits {
    /// `HEADER_READ_TIMEOUT_SECS`, default 5: a request whose headers are not complete this long
    /// after the connection started waiting for them is closed. hyper starts this timer whenever
    /// a connection waits for a request, so it is also how long a kept-alive connection may sit
    /// idle between requests.
    pub header_read_timeout: Duration,
    /// `REQUEST_TIMEOUT_SECS`, default 10: reading the body and answering; past it the answer is
    /// 408 and the connection is closed.
    pub request_timeout: Duration,
    /// `MAX_CONNECTIONS`, default 512: connections served at once. Beyond it new connections wait
    /// in the listen backlog until one closes, so the process never runs out of file descriptors.
    pub max_connections: usize,
    /// `MAX_IN_FLIGHT`, default 64: requests handled at once; more wait (at most as many again)
    /// for [`Limits::queue_timeout`], then are shed with 503 and `Retry-After`.
    pub max_in_flight: usize,
    /// `QUEUE_TIMEOUT_MS`, default 250: how long a request waits for one of the slots above.
    pub queue_timeout: Duration,
    /// `HASHING_CONCURRENCY`, default the number of cores: password hashes (sign-up, sign-in)
    /// computed at once; as many again may wait, more are shed with 503.
    pub hashing_concurrency: usize,
    /// `SHUTDOWN_GRACE_SECS`, default 20: after SIGTERM, how long requests in flight may take to
    /// finish before the process exits anyway.
    pub shutdown_grace: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(10),
            max_connections: 512,
            max_in_flight: 64,
            queue_timeout: Duration::from_millis(250),
            hashing_concurrency: std::thread::available_parallelism().map_or(2, usize::from),
            shutdown_grace: Duration::from_secs(20),
        }
    }
}

impl Limits {
    fn from_env() -> Result<Self, ConfigError> {
        let defaults = Self::default();
        let secs = |name: &'static str, default: Duration| number(name, default.as_secs()).map(Duration::from_secs);
        Ok(Self {
            header_read_timeout: secs("HEADER_READ_TIMEOUT_SECS", defaults.header_read_timeout)?,
            request_timeout: secs("REQUEST_TIMEOUT_SECS", defaults.request_timeout)?,
            max_connections: number("MAX_CONNECTIONS", defaults.max_connections as u64)? as usize,
            max_in_flight: number("MAX_IN_FLIGHT", defaults.max_in_flight as u64)? as usize,
            queue_timeout: Duration::from_millis(number(
                "QUEUE_TIMEOUT_MS",
                defaults.queue_timeout.as_millis() as u64,
            )?),
            hashing_concurrency: number("HASHING_CONCURRENCY", defaults.hashing_concurrency as u64)? as usize,
            shutdown_grace: secs("SHUTDOWN_GRACE_SECS", defaults.shutdown_grace)?,
        })
    }
}

/// A positive whole number from the environment, or `default` when unset.
fn number(name: &'static str, default: u64) -> Result<u64, ConfigError> {
    match std::env::var(name) {
        Err(_) => Ok(default),
        Ok(v) => v.trim().parse().ok().filter(|n| *n > 0).ok_or(ConfigError::Number(name, v)),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{0:?} is not a socket address such as 127.0.0.1:8080 (ADDR, METRICS_ADDR)")]
    Addr(String),
    #[error("{0:?} is not an origin such as https://remotes.example.com")]
    Origin(String),
    #[error("TRUSTED_PROXIES: {0:?} is not an IP address such as 10.0.0.2")]
    Proxy(String),
    #[error("{0}={1:?} is not a whole number above 0")]
    Number(&'static str, String),
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        let addr = std::env::var("ADDR").unwrap_or_else(|_| "127.0.0.1:8080".into());
        Ok(Self {
            addr: addr.parse().map_err(|_| ConfigError::Addr(addr))?,
            database_url: std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite://data/store.db".into()),
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
            composer_url: match std::env::var("COMPOSER_URL") {
                Ok(o) if !o.is_empty() => Some(parse_origin(&o).ok_or(ConfigError::Origin(o))?),
                _ => None,
            },
            public_origin: match std::env::var("PUBLIC_ORIGIN") {
                Ok(o) if !o.is_empty() => Some(parse_origin(&o).ok_or(ConfigError::Origin(o))?),
                _ => None,
            },
            compress_api: std::env::var("COMPRESS_API").is_ok_and(|v| v == "true" || v == "1"),
            metrics_addr: match std::env::var("METRICS_ADDR") {
                Ok(a) if !a.is_empty() => Some(a.parse().map_err(|_| ConfigError::Addr(a))?),
                _ => None,
            },
            limits: Limits::from_env()?,
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

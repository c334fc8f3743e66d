//! Serving connections: HTTP/1.1 through hyper-util's builder with a timer, so hyper's own header
//! read timeout applies; a cap on open connections; and a drain on shutdown. This replaces
//! `axum::serve`, which sets no timer (a client that never finishes its headers holds its
//! connection for ever) and accepts connections until the process runs out of descriptors.
//!
//! Only HTTP/1.1 is spoken: version detection for h2c has no timeout of its own, and browsers and
//! proxies reach this server over HTTP/1.1 (a proxy in front terminates TLS and HTTP/2).

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

use crate::config::Limits;

/// Serves `router` on `listener` until `stop` completes, then stops accepting (new connections
/// are refused), lets the requests in flight finish within `limits.shutdown_grace` and returns.
pub async fn serve(listener: TcpListener, router: axum::Router, limits: &Limits, stop: impl Future<Output = ()>) {
    let mut builder = auto::Builder::new(TokioExecutor::new()).http1_only();
    builder.http1().timer(TokioTimer::new()).header_read_timeout(limits.header_read_timeout).keep_alive(true);
    let builder = Arc::new(builder);
    let connections = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    tokio::pin!(stop);
    loop {
        // A place first, then accept: beyond the cap, connections wait in the kernel's backlog
        // instead of costing a descriptor each.
        let place = tokio::select! {
            place = connections.clone().acquire_owned() => match place {
                Ok(place) => place,
                Err(_) => break,
            },
            () = &mut stop => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    pause_after_accept_error(&e).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        // Answers are small and written at once; Nagle would hold each back for an ACK.
        let _ = stream.set_nodelay(true);
        // The peer address feeds the per-address limits on sign-ins and sign-ups.
        let service = router.clone().map_request(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
            request
        });
        let (builder, watcher) = (builder.clone(), graceful.watcher());
        tokio::spawn(async move {
            let connection = builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
            if let Err(e) = watcher.watch(connection).await {
                // A client that went away or was timed out: its business, not an error of ours.
                tracing::debug!(error = %e, %peer, "connection ended");
            }
            drop(place);
        });
    }
    // Dropping the listener refuses new connections; hyper then finishes each connection's
    // request in flight and closes it, and closes idle ones at once.
    drop(listener);
    tracing::info!(connections = graceful.count(), "draining");
    if tokio::time::timeout(limits.shutdown_grace, graceful.shutdown()).await.is_err() {
        tracing::warn!(grace_secs = limits.shutdown_grace.as_secs(), "requests still running after the grace period");
    }
}

/// `accept` fails for one connection (reset before it was accepted) or for the process (no file
/// descriptor left): the first is retried at once, the second after a pause, not in a hot loop.
async fn pause_after_accept_error(error: &std::io::Error) {
    use std::io::ErrorKind;
    if matches!(error.kind(), ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset | ErrorKind::ConnectionRefused)
    {
        return;
    }
    tracing::error!(%error, "accept failed");
    tokio::time::sleep(Duration::from_millis(100)).await;
}

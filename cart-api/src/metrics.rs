//! Prometheus metrics, in the text exposition format, on an address of their own
//! (`METRICS_ADDR`, off by default): a scrape target inside the cluster is never public by
//! accident, as a path beside `/api` would be.
//!
//! What is counted: requests and their latency per route template, method and status; problems
//! per `type` (sheds are `overloaded`, sign-in and sign-up limits `too-many-attempts`); and the
//! database pool's connections in use and idle, read when scraped.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use contracts::problems::ProblemKind;

/// Upper bounds of the latency buckets, in seconds: from a cached catalogue read to a sign-in.
const BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0];

/// The route template of an answer, carried from the router to [`Metrics::record`].
#[derive(Clone)]
pub struct Route(pub Arc<str>);

/// The kind of a problem answer, put on the response by `ApiError`.
#[derive(Clone, Copy)]
pub struct Problem(pub ProblemKind);

#[derive(Clone, Default)]
pub struct Metrics {
    inner: Arc<Mutex<Counts>>,
}

#[derive(Default)]
struct Counts {
    requests: BTreeMap<(Arc<str>, String, u16), Series>,
    problems: BTreeMap<&'static str, u64>,
}

#[derive(Default)]
struct Series {
    /// Per bucket of [`BUCKETS`], not cumulative; the exposition sums them.
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum_seconds: f64,
}

impl Metrics {
    pub fn record(&self, response: &Response, method: &str, elapsed: Duration) {
        // Only the router's templates are labels: a path a client made up must not become a
        // new series (unbounded memory for the server, and for the scraper).
        let route = response.extensions().get::<Route>().map_or_else(|| Arc::from("other"), |r| r.0.clone());
        let seconds = elapsed.as_secs_f64();
        let Ok(mut counts) = self.inner.lock() else { return };
        let series = counts.requests.entry((route, method.to_string(), response.status().as_u16())).or_default();
        if let Some(bucket) = BUCKETS.iter().position(|bound| seconds <= *bound) {
            series.buckets[bucket] += 1;
        }
        series.count += 1;
        series.sum_seconds += seconds;
        if let Some(Problem(kind)) = response.extensions().get::<Problem>() {
            *counts.problems.entry(kind.name()).or_default() += 1;
        }
    }

    /// The text exposition format (version 0.0.4).
    pub fn render(&self, pool: PoolUse) -> String {
        let mut out = String::new();
        let Ok(counts) = self.inner.lock() else { return out };
        out.push_str("# HELP cart_api_requests_total Requests answered, per route template, method and status.\n");
        out.push_str("# TYPE cart_api_requests_total counter\n");
        for ((route, method, status), series) in &counts.requests {
            let _ = writeln!(
                out,
                "cart_api_requests_total{{route=\"{}\",method=\"{method}\",status=\"{status}\"}} {}",
                escape(route),
                series.count
            );
        }
        out.push_str("# HELP cart_api_request_duration_seconds Time from the request to its answer.\n");
        out.push_str("# TYPE cart_api_request_duration_seconds histogram\n");
        for ((route, method, status), series) in &counts.requests {
            let labels = format!("route=\"{}\",method=\"{method}\",status=\"{status}\"", escape(route));
            let mut cumulative = 0;
            for (bound, count) in BUCKETS.iter().zip(series.buckets) {
                cumulative += count;
                let _ =
                    writeln!(out, "cart_api_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {cumulative}");
            }
            let _ = writeln!(out, "cart_api_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}", series.count);
            let _ = writeln!(out, "cart_api_request_duration_seconds_sum{{{labels}}} {}", series.sum_seconds);
            let _ = writeln!(out, "cart_api_request_duration_seconds_count{{{labels}}} {}", series.count);
        }
        out.push_str("# HELP cart_api_problems_total Problem answers per type: sheds are overloaded, ");
        out.push_str("sign-in and sign-up limits too-many-attempts.\n");
        out.push_str("# TYPE cart_api_problems_total counter\n");
        for (kind, count) in &counts.problems {
            let _ = writeln!(out, "cart_api_problems_total{{type=\"{kind}\"}} {count}");
        }
        out.push_str("# HELP cart_api_db_connections Database pool connections, in use and idle.\n");
        out.push_str("# TYPE cart_api_db_connections gauge\n");
        let _ = writeln!(out, "cart_api_db_connections{{state=\"in_use\"}} {}", pool.in_use);
        let _ = writeln!(out, "cart_api_db_connections{{state=\"idle\"}} {}", pool.idle);
        let _ = writeln!(out, "cart_api_db_connections_max {}", pool.max);
        out
    }
}

/// The database pool at the moment of a scrape.
pub struct PoolUse {
    pub in_use: u32,
    pub idle: u32,
    pub max: u32,
}

/// Label values are route templates of ours, but a quote or backslash must never break a line.
fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// Put on the routes (`route_layer`): it runs after routing, where the template is known, and
/// hands it to the outer telemetry layer on the response.
pub async fn label_route(request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map(|path| Route(Arc::from(path.as_str())));
    let mut response = next.run(request).await;
    if let Some(route) = route {
        response.extensions_mut().insert(route);
    }
    response
}

/// `GET /metrics` on `METRICS_ADDR`.
pub fn router(metrics: Metrics, db: crate::db::Db) -> axum::Router {
    axum::Router::new().route(
        "/metrics",
        axum::routing::get(|State((metrics, db)): State<(Metrics, crate::db::Db)>| async move {
            let idle = u32::try_from(db.num_idle()).unwrap_or(u32::MAX);
            let pool =
                PoolUse { in_use: db.size().saturating_sub(idle), idle, max: db.options().get_max_connections() };
            ([(axum::http::header::CONTENT_TYPE, "text/plain; version=0.0.4")], metrics.render(pool))
        })
        .with_state((metrics, db)),
    )
}

#[cfg(test)]
mod tests {
    use axum::http::StatusCode;
    use axum::response::IntoResponse;

    use super::*;

    #[test]
    fn counts_requests_latencies_and_problems_per_route() {
        let metrics = Metrics::default();
        let mut ok = StatusCode::OK.into_response();
        ok.extensions_mut().insert(Route(Arc::from("/api/products/{id}")));
        metrics.record(&ok, "GET", Duration::from_millis(3));
        metrics.record(&ok, "GET", Duration::from_millis(30));
        let mut shed = StatusCode::SERVICE_UNAVAILABLE.into_response();
        shed.extensions_mut().insert(Problem(ProblemKind::Overloaded));
        metrics.record(&shed, "POST", Duration::from_millis(250));

        let text = metrics.render(PoolUse { in_use: 1, idle: 4, max: 8 });
        assert!(
            text.contains("cart_api_requests_total{route=\"/api/products/{id}\",method=\"GET\",status=\"200\"} 2\n")
        );
        let bucket = |le: &str| format!("{{route=\"/api/products/{{id}}\",method=\"GET\",status=\"200\",le=\"{le}\"}}");
        assert!(text.contains(&format!("cart_api_request_duration_seconds_bucket{} 0\n", bucket("0.0025"))));
        assert!(text.contains(&format!("cart_api_request_duration_seconds_bucket{} 1\n", bucket("0.005"))));
        assert!(text.contains(&format!("cart_api_request_duration_seconds_bucket{} 2\n", bucket("0.05"))));
        assert!(text.contains(&format!("cart_api_request_duration_seconds_bucket{} 2\n", bucket("+Inf"))));
        // A path no route matched is one series, whatever the path was.
        assert!(text.contains("cart_api_requests_total{route=\"other\",method=\"POST\",status=\"503\"} 1\n"));
        assert!(text.contains("cart_api_problems_total{type=\"overloaded\"} 1\n"));
        assert!(text.contains("cart_api_db_connections{state=\"in_use\"} 1\n"));
    }
}

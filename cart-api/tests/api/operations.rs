//! What the people who run the store see: the server's log, read as a log collector would, and
//! its metrics, read as Prometheus would.

use std::time::Duration;

#[tokio::test]
async fn with_log_format_json_every_line_is_an_object_carrying_the_requests_trace_id() {
    let dir = tempfile::TempDir::new().unwrap();
    let database = crate::helpers::fresh_database(dir.path()).await;
    let env = [("LOG_FORMAT", "json"), ("RUST_LOG", "cart_api=info")];
    let (mut server, base, log) = crate::helpers::start_process(&database.url, 0, &env);

    let trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    let answer = reqwest::Client::new()
        .get(format!("{base}/api/products?pageSize=1"))
        .header("traceparent", format!("00-{trace}-00f067aa0ba902b7-01"))
        .send()
        .await
        .expect("the server answers");
    assert!(answer.status().is_success());

    let mut handled = None;
    while let Ok(line) = log.recv_timeout(Duration::from_secs(10)) {
        let entry: serde_json::Value =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("a log line that is not JSON ({e}): {line}"));
        assert!(entry["timestamp"].is_string() && entry["level"].is_string(), "{line}");
        if entry["message"] == "handled" && entry["span"]["trace_id"] == trace {
            handled = Some(entry);
            break;
        }
    }
    let _ = server.kill();
    let handled = handled.expect("a line for the request, with its trace id");
    assert_eq!(handled["span"]["method"], "GET");
    assert_eq!(handled["span"]["path"], "/api/products");
    assert_eq!(handled["status"], 200);
    assert!(handled["duration_ms"].as_f64().is_some_and(|ms| ms >= 0.0), "{handled}");
}

#[tokio::test]
async fn metrics_count_each_request_by_route_and_status_on_their_own_address() {
    let app =
        crate::helpers::spawn_app_configured(|config| config.metrics_addr = Some("127.0.0.1:0".parse().unwrap())).await;
    let metrics_url = app.metrics_url.clone().expect("METRICS_ADDR is set");
    assert_eq!(app.get("/api/products/1").await.status(), 200);
    assert_eq!(app.get("/api/products/99999").await.status(), 404);

    let scrape = reqwest::get(&metrics_url).await.expect("the metrics address answers");
    assert_eq!(scrape.status(), 200);
    assert!(scrape.headers()["content-type"].to_str().unwrap().starts_with("text/plain; version=0.0.4"));
    let text = scrape.text().await.unwrap();
    for line in [
        "cart_api_requests_total{route=\"/api/products/{id}\",method=\"GET\",status=\"200\"} 1",
        "cart_api_requests_total{route=\"/api/products/{id}\",method=\"GET\",status=\"404\"} 1",
        "cart_api_problems_total{type=\"not-found\"} 1",
    ] {
        assert!(text.lines().any(|l| l == line), "{line} is not in:\n{text}");
    }
    assert!(text.contains("cart_api_request_duration_seconds_bucket{route=\"/api/products/{id}\""), "{text}");
    assert!(text.contains("cart_api_db_connections{state=\"idle\"}"), "{text}");

    // The public address has no metrics: they are not published by accident.
    let public = app.get("/metrics").await.text().await.unwrap();
    assert!(!public.contains("cart_api_requests_total"));
}

#[tokio::test]
async fn with_compress_api_json_above_a_kilobyte_is_compressed_for_clients_that_accept_it() {
    use std::io::Read;

    let app = crate::helpers::spawn_app_configured(|config| config.compress_api = true).await;
    let get = |path: &str, encoding: Option<&str>| {
        let request = reqwest::Client::new().get(app.url(path));
        match encoding {
            Some(encoding) => request.header("accept-encoding", encoding),
            None => request,
        }
        .send()
    };

    let plain = get("/api/products?pageSize=48", None).await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    let plain = plain.bytes().await.unwrap();
    assert!(plain.len() > 1024, "a page of products is {} bytes", plain.len());

    let compressed = get("/api/products?pageSize=48", Some("gzip")).await.unwrap();
    assert_eq!(compressed.headers()["content-encoding"], "gzip");
    assert!(compressed.headers()["vary"].to_str().unwrap().to_ascii_lowercase().contains("accept-encoding"));
    let compressed = compressed.bytes().await.unwrap();
    assert!(compressed.len() * 3 < plain.len(), "{} bytes of gzip for {} of JSON", compressed.len(), plain.len());
    let mut unpacked = Vec::new();
    flate2::read::GzDecoder::new(&compressed[..]).read_to_end(&mut unpacked).unwrap();
    assert_eq!(unpacked, plain);

    // A small answer is not worth it.
    let health = get("/api/health", Some("gzip")).await.unwrap();
    assert!(health.headers().get("content-encoding").is_none());
}

#[tokio::test]
async fn without_compress_api_answers_go_out_as_they_are() {
    let app = crate::helpers::spawn_app().await;
    let answer = reqwest::Client::new()
        .get(app.url("/api/products?pageSize=48"))
        .header("accept-encoding", "gzip, br")
        .send()
        .await
        .unwrap();
    assert!(answer.headers().get("content-encoding").is_none());
}

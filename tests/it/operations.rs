//! What an operator of `helpbook serve` sees: `/metrics` for Prometheus and the request log.
//! The real binary over real HTTP on 127.0.0.1.

use std::time::{Duration, Instant};

use crate::harness::HelpCenter;
use crate::serve::Server;

/// The value of the metric line starting with `name` (labels included), if any.
fn value(metrics: &str, name: &str) -> Option<f64> {
    metrics
        .lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
}

#[test]
fn metrics_count_requests_searches_and_builds() {
    let hc = HelpCenter::demo();
    let server = Server::start(&hc);
    for query in ["refund", "refund", "xqzvw+jjkkll"] {
        assert_eq!(server.get(&format!("/api/search?q={query}")).status, 200);
    }
    assert_eq!(server.get("/search/?q=parcel").status, 200);
    assert_eq!(server.get("/no/such/page/").status, 404);
    assert_eq!(server.get("/api/search?q=x&limit=0").status, 400);

    let reply = server.get("/metrics");
    assert_eq!(reply.status, 200);
    assert!(
        reply
            .header("content-type")
            .starts_with("application/openmetrics-text"),
        "{}",
        reply.header("content-type")
    );
    let metrics = reply.body;
    for (name, expected) in [
        ("helpbook_searches_total", 4.0),
        ("helpbook_search_cache_hits_total", 1.0),
        ("helpbook_searches_without_results_total", 1.0),
        ("helpbook_searches_shed_total", 0.0),
        ("helpbook_search_duration_seconds_count", 3.0),
        ("helpbook_index_generation", 1.0),
        (
            "helpbook_http_requests_total{route=\"/api/search\",status=\"200\"}",
            3.0,
        ),
        (
            "helpbook_http_requests_total{route=\"/api/search\",status=\"400\"}",
            1.0,
        ),
        (
            "helpbook_http_requests_total{route=\"/search/\",status=\"200\"}",
            1.0,
        ),
        (
            "helpbook_http_requests_total{route=\"static\",status=\"404\"}",
            1.0,
        ),
    ] {
        assert_eq!(
            value(&metrics, name),
            Some(expected),
            "{name} in\n{metrics}"
        );
    }
    let built = value(&metrics, "helpbook_index_built_timestamp_seconds").unwrap_or(0.0);
    assert!(built > 1.6e9, "the index's build time: {built}");
    assert!(metrics.ends_with("# EOF\n"), "{metrics}");

    // A new build: the generation goes up.
    hc.build().success();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let metrics = server.get("/metrics").body;
        if value(&metrics, "helpbook_index_generation") == Some(2.0) {
            break;
        }
        assert!(Instant::now() < deadline, "still generation 1:\n{metrics}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `-v --log-format json`: one JSON object a line per request, with the path, the status and
/// the time, but not what the shopper searched for unless `--log-queries` says so.
#[test]
fn the_request_log_is_one_line_per_request_and_keeps_queries_out() {
    let hc = HelpCenter::demo();
    hc.build().success();
    for (options, shows_query) in [
        (&["--log-format", "json"][..], false),
        (&["--log-format", "json", "--log-queries"][..], true),
    ] {
        let mut run = std::process::Command::new(env!("CARGO_BIN_EXE_helpbook"));
        run.arg("-v");
        let server = Server::launch(&hc, run, "serve", options, "Serving http://");
        assert_eq!(server.get("/api/search?q=secretword").status, 200);
        assert_eq!(server.get("/returns/").status, 200);
        let log = server.log_until("\"/returns/\"", Duration::from_secs(30));
        let lines: Vec<serde_json::Value> = log
            .lines()
            .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
            .filter(|entry: &serde_json::Value| entry["target"] == "helpbook::request")
            .collect();
        let search = lines
            .iter()
            .find(|l| {
                l["path"]
                    .as_str()
                    .is_some_and(|p| p.starts_with("/api/search"))
            })
            .unwrap_or_else(|| panic!("no line for the search in\n{log}"));
        assert_eq!(search["status"], 200, "{search}");
        assert_eq!(search["method"], "GET", "{search}");
        assert!(search["ms"].as_f64().is_some(), "{search}");
        assert_eq!(
            search["path"]
                .as_str()
                .unwrap_or_default()
                .contains("secretword"),
            shows_query,
            "{search}"
        );
        assert!(
            lines
                .iter()
                .any(|l| l["path"] == "/returns/" && l["status"] == 200),
            "{log}"
        );
    }
}

//! Warm timings of `trends` and `terms` on an existing index, in process (the index is opened
//! once; each request then runs repeatedly and the median and 99th percentile are printed).
//!
//!     cargo run --release --example gen_corpus -- 100000 /tmp/gen100k
//!     cargo run --release -- ingest /tmp/gen100k --index /tmp/trends-idx --quiet
//!     cargo run --release --example bench_trends -- /tmp/trends-idx [WORD]
//!
//! WORD (default 支付) is the query of the word-based requests. The promise: trends at most
//! 50 ms warm at 100,000 articles.

#[path = "support/bench_util.rs"]
mod bench_util;

use bench_util::percentile;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use newsidx::analyse::entities::EntityType;
use newsidx::search::terms::TermsRequest;
use newsidx::search::trends::{Interval, Split, TrendsRequest};
use newsidx::search::{SearchRequest, Searcher};

/// Runs of each trends request after one warm-up run.
const TRENDS_RUNS: usize = 50;
/// Runs of each terms request (each reads up to 2,000 stored bodies).
const TERMS_RUNS: usize = 5;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(index) = args.first().map(PathBuf::from) else {
        eprintln!("usage: bench_trends INDEX [WORD]");
        std::process::exit(2);
    };
    let word = args.get(1).cloned().unwrap_or_else(|| "支付".to_string());
    let searcher = match Searcher::open(&index) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("bench_trends: {e}");
            std::process::exit(2);
        }
    };
    let search = |query: &str| SearchRequest {
        query: query.to_string(),
        ..SearchRequest::default()
    };
    let trends = |query: &str, by, split| TrendsRequest {
        search: search(query),
        by,
        split,
        top: 5,
    };
    let cases: Vec<(String, TrendsRequest)> = vec![
        (
            "trends (all, by month)".into(),
            trends("", Interval::Month, None),
        ),
        (
            format!("trends {word} by month"),
            trends(&word, Interval::Month, None),
        ),
        (
            format!("trends {word} by day"),
            trends(&word, Interval::Day, None),
        ),
        (
            format!("trends {word} by week --split source"),
            trends(&word, Interval::Week, Some(Split::Source)),
        ),
        (
            format!("trends {word} --split entity:ORG"),
            trends(&word, Interval::Month, Some(Split::Entity(EntityType::Org))),
        ),
    ];
    for (name, request) in &cases {
        let total = searcher.trends(request).map(|t| t.total).unwrap_or(0);
        let times = repeat(TRENDS_RUNS, || {
            let _ = searcher.trends(request);
        });
        report(name, total, &times);
    }
    for query in ["", word.as_str()] {
        let request = TermsRequest {
            search: search(query),
            top: 20,
        };
        let found = searcher.terms(&request).map(|t| t.documents).unwrap_or(0);
        let times = repeat(TERMS_RUNS, || {
            let _ = searcher.terms(&request);
        });
        report(&format!("terms {query}"), found, &times);
    }
}

/// Durations of `runs` calls of `f`, sorted.
fn repeat(runs: usize, mut f: impl FnMut()) -> Vec<Duration> {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed()
        })
        .collect();
    times.sort();
    times
}

fn report(name: &str, found: u64, times: &[Duration]) {
    let at = |q: f64| percentile(times, q).as_secs_f64() * 1000.0;
    println!(
        "{name:<40} {found:>7} matching  p50 {:>7.1} ms  p99 {:>7.1} ms  ({} runs)",
        at(0.5),
        at(0.99),
        times.len()
    );
}

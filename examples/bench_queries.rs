//! Query latency, hostile queries included, on the sample corpus (or DIR).
//!
//!     cargo run --release --example bench_queries [-- DIR]
//!
//! Each query runs 20 times after one warm-up; the slowest run is reported, since the promise
//! is "never more than a second".

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use newsidx::ingest::{self, IngestOptions};
use newsidx::search::{SearchRequest, Searcher};

fn main() {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus"));
    let Ok(tmp) = tempfile::tempdir() else {
        eprintln!("bench_queries: cannot create a temporary folder");
        std::process::exit(2);
    };
    let options = IngestOptions::new(dir.clone(), tmp.path().join("index"));
    if let Err(e) = ingest::run(&options, &|_| {}, &|_| {}) {
        eprintln!("bench_queries: {e}");
        std::process::exit(2);
    }
    let searcher = match Searcher::open(&options.index) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("bench_queries: {e}");
            std::process::exit(2);
        }
    };
    let long_words = "支付 淘宝 微信 监管 平台 ".repeat(2_000);
    let long_run = "微信支付淘宝".repeat(1_700);
    let queries: Vec<(&str, String)> = vec![
        ("two words", "微信支付 淘宝".into()),
        ("unspaced", "微信支付淘宝".into()),
        ("phrase and exclusion", "\"互联互通\" -抖音".into()),
        ("sub-word", "农业".into()),
        ("empty", String::new()),
        ("stop words", "的 了 是".into()),
        ("punctuation", "，。！？".into()),
        ("unbalanced quote", "\"微信支付 淘宝".into()),
        ("lone minus", "-".into()),
        ("unknown field", "nosuchfield: 微信".into()),
        ("control characters", "\u{1b}[31m微信\u{7}\u{0}".into()),
        (
            "10,000 chars of words",
            long_words.chars().take(10_000).collect(),
        ),
        (
            "10,000 chars unspaced",
            long_run.chars().take(10_000).collect(),
        ),
    ];
    println!("corpus: {}", dir.display());
    println!("{:<24}{:>10}{:>8}  outcome", "query", "max ms", "hits");
    let mut worst = Duration::ZERO;
    for (label, query) in &queries {
        let request = SearchRequest {
            query: query.clone(),
            limit: 10,
            ..SearchRequest::default()
        };
        let _ = searcher.search(&request);
        let mut slowest = Duration::ZERO;
        let mut outcome = String::new();
        let mut hits = 0;
        for _ in 0..20 {
            let started = Instant::now();
            let result = searcher.search(&request);
            slowest = slowest.max(started.elapsed());
            match result {
                Ok(r) => {
                    hits = r.total;
                    outcome = "ok".into();
                }
                Err(e) => outcome = e.to_string(),
            }
        }
        worst = worst.max(slowest);
        let outcome: String = outcome.chars().take(60).collect();
        println!(
            "{label:<24}{:>10.2}{hits:>8}  {outcome}",
            slowest.as_secs_f64() * 1000.0
        );
    }
    println!("slowest query: {:.2} ms", worst.as_secs_f64() * 1000.0);
}

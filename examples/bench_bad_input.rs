//! Time and memory for hostile files, parsed in-process exactly as ingest parses them.
//!
//!     cargo run --release --example bench_bad_input
//!
//! Prints each case's outcome, wall time, and the process's peak resident memory after it
//! (peaks only grow, so cases run from the expected-smallest up). The promise is "rejected
//! within a second and a few MB" for the YAML alias bomb, and bounded time for the rest.

use std::time::Instant;

use newsidx::ingest::article::{self, ParseOptions};
use newsidx::read::Kind;

#[path = "../tests/common/hostile.rs"]
mod hostile;
use hostile::{alias_bomb, nested_page};

/// Peak resident memory of this process so far, in MB (Linux `/proc/self/status`).
fn peak_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn main() {
    let options = ParseOptions::default();
    // Load the dictionary first, so the first case is not charged for it.
    let _ = article::parse(
        "warm",
        "warm",
        Kind::Markdown,
        "---\ntitle: t\n---\n正文".as_bytes(),
        &options,
    );
    println!(
        "baseline after loading the dictionary: peak {:.0} MB",
        peak_mb()
    );
    // Built one at a time, so a case's peak is not inflated by the inputs of later ones.
    type Make = fn() -> Vec<u8>;
    let cases: [(&str, Kind, Make); 5] = [
        ("YAML alias bomb", Kind::Markdown, || {
            alias_bomb().into_bytes()
        }),
        ("NUL in the middle", Kind::Markdown, || {
            b"---\ntitle: a\n---\nbody\0more\n".to_vec()
        }),
        ("100,000 nested <div>", Kind::Html, || {
            nested_page("div", 100_000).into_bytes()
        }),
        ("100,000 nested <span>", Kind::Html, || {
            nested_page("span", 100_000).into_bytes()
        }),
        ("10 MB unbroken line", Kind::Markdown, || {
            format!(
                "---\ntitle: 长行\n---\n{}\n",
                "支付".repeat(10 * 1024 * 1024 / 6)
            )
            .into_bytes()
        }),
    ];
    println!("{:<24}{:>10}{:>12}  outcome", "case", "ms", "peak MB");
    for (label, kind, make) in cases {
        let bytes = make();
        let started = Instant::now();
        let outcome = match article::parse("f", "f", kind, &bytes, &options) {
            Ok(Some(p)) => format!("indexed, body {} bytes", p.article.document.body.len()),
            Ok(None) => "not an article".to_string(),
            Err(e) => format!("rejected: {e}"),
        };
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        let outcome: String = outcome.chars().take(70).collect();
        println!("{label:<24}{ms:>10.1}{:>12.0}  {outcome}", peak_mb());
    }
}

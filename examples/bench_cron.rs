//! What a cron rerun costs against a full ingest.
//!
//!     cargo run --release --example bench_cron [-- N] [--source DIR] [--keep DIR]
//!
//! Generates N articles (default 100,000) with `gen_corpus`, then times, in one process: a
//! full ingest into a fresh index, a rerun with nothing changed, and a rerun after 1% of the
//! files changed (0.5% edited, 0.25% added, 0.25% deleted). Prints each in seconds and as a
//! share of the full ingest (targets: no change at most 2%, 1% changed at most 6%), and the
//! one-off cost a new process adds (loading the dictionary), which a cron run also pays.

#[path = "support/bench_util.rs"]
mod bench_util;
#[allow(dead_code)]
#[path = "gen_corpus.rs"]
mod gen_corpus;

use bench_util::fail;
use std::path::{Path, PathBuf};
use std::time::Instant;

use newsidx::ingest::{self, IngestOptions, IngestReport};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .map(PathBuf::from)
    };
    let source = flag("--source").unwrap_or_else(gen_corpus::default_source);
    let paragraphs = gen_corpus::paragraphs(&source);
    let Ok(tmp) = tempfile::tempdir() else {
        fail("cannot create a temporary folder");
    };
    let work = flag("--keep").unwrap_or_else(|| tmp.path().to_path_buf());
    let corpus = work.join("corpus");
    let started = Instant::now();
    if let Err(e) = gen_corpus::generate(n, &corpus, 1, &paragraphs) {
        fail(&format!("{}: {e}", corpus.display()));
    }
    println!(
        "generated {n} articles from {} paragraphs of {} in {:.1} s",
        paragraphs.len(),
        source.display(),
        started.elapsed().as_secs_f64()
    );
    let options = IngestOptions::new(&corpus, work.join("index"));
    let dictionary = Instant::now();
    let _ = newsidx::analyse::Linguistics::new(Vec::new());
    let dictionary = dictionary.elapsed().as_secs_f64();

    let (full, r) = timed(&options);
    line("full ingest", full, full, &r, None);
    let (same, r) = timed(&options);
    line("no-change rerun", same, full, &r, Some(2.0));
    change_one_percent(&corpus, n, &paragraphs);
    let (changed, r) = timed(&options);
    line("1% changed rerun", changed, full, &r, Some(6.0));
    println!(
        "a new process also loads the dictionary once: {dictionary:.2} s ({:.1}% of full)",
        100.0 * dictionary / full
    );
}

fn timed(options: &IngestOptions) -> (f64, IngestReport) {
    let started = Instant::now();
    match ingest::run(options, &|_| {}, &|_| {}) {
        Ok(report) => (started.elapsed().as_secs_f64(), report),
        Err(e) => fail(&e.to_string()),
    }
}

fn line(name: &str, seconds: f64, full: f64, r: &IngestReport, target: Option<f64>) {
    let share = 100.0 * seconds / full;
    let verdict = target.map_or(String::new(), |t| {
        format!(
            " target <= {t}%: {}",
            if share <= t { "met" } else { "MISSED" }
        )
    });
    println!(
        "{name:<18}{seconds:>8.2} s {share:>6.1}% of full{verdict}   \
         ({} added, {} updated, {} deleted, {} unchanged, {} rejected, {} earlier)",
        r.added, r.updated, r.deleted, r.unchanged, r.rejected, r.rejected_earlier
    );
}

/// Edits 0.5% of the articles, adds 0.25% and deletes 0.25%.
fn change_one_percent(corpus: &Path, n: usize, paragraphs: &[String]) {
    let write = |i: usize, seed: u64| {
        let (rel, bytes) = gen_corpus::article(i, seed, paragraphs);
        let path = corpus.join(rel);
        if let Some(parent) = path.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        let _ = std::fs::write(path, bytes);
    };
    for i in (0..n).step_by(200) {
        write(i, 2);
    }
    for i in n..n + n / 400 {
        write(i, 1);
    }
    for i in (100..n).step_by(400) {
        let (rel, _) = gen_corpus::article(i, 1, paragraphs);
        let _ = std::fs::remove_file(corpus.join(rel));
    }
}

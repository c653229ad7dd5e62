//! Ingest throughput, and how much of it extraction costs.
//!
//!     cargo run --release --example bench_ingest [-- DIR] [--copies N]
//!
//! Copies the articles under DIR (default `../shared/corpus`) N times (default 10) into a
//! temporary corpus, ingests it into a fresh index, and reports wall time, docs/s and process
//! CPU time. It then re-times date extraction on the same articles, single-threaded (thread CPU
//! time, so other processes on the machine do not count), and prints its CPU time as a share of the rest of ingest, and the same for entity extraction: the
//! figures the extraction budgets (dates at most 20%, entities at most 30% added to ingest
//! time) are about.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use newsidx::analyse::{dates, entities};
use newsidx::ingest::article::{self, ParseOptions};
use newsidx::ingest::{self, IngestOptions};
use newsidx::stages::thread_cpu;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let copies: usize = args
        .iter()
        .position(|a| a == "--copies")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(10);
    let source = args
        .iter()
        .find(|a| !a.starts_with("--") && a.parse::<usize>().is_err())
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    let files = article_files(&source);
    if files.is_empty() {
        fail(&format!(
            "no articles under {} (is ../shared present?)",
            source.display()
        ));
    }
    let Ok(tmp) = tempfile::tempdir() else {
        fail("cannot create a temporary folder");
    };
    let corpus = tmp.path().join("corpus");
    copy_corpus(&files, copies, &corpus);
    model_cost();
    let options = IngestOptions::new(corpus.clone(), tmp.path().join("index"));
    let cpu_before = process_cpu();
    let report = ingest::run(&options, &|_| {}, &|_| {}).unwrap_or_else(|e| fail(&e.to_string()));
    let ingest_cpu = process_cpu().saturating_sub(cpu_before);
    let extraction = time_extraction(&files, copies, &options.parse);
    println!(
        "corpus: {} files ({} copies of {})",
        report.seen,
        copies,
        source.display()
    );
    println!(
        "ingest: {} indexed in {:.2} s wall, {:.0} docs/s; {:.2} s CPU (all threads)",
        report.indexed,
        report.seconds,
        report.docs_per_second,
        ingest_cpu.as_secs_f64()
    );
    print_extraction_shares(&extraction, ingest_cpu);
}

fn fail(message: &str) -> ! {
    eprintln!("bench_ingest: {message}");
    std::process::exit(2);
}

/// `copies` copies of `files` under `corpus/copyN/`, names prefixed to stay unique.
fn copy_corpus(files: &[PathBuf], copies: usize, corpus: &Path) {
    for copy in 0..copies {
        for (i, file) in files.iter().enumerate() {
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let target = corpus
                .join(format!("copy{copy}"))
                .join(format!("{i:04}-{name}"));
            if let Some(parent) = target.parent() {
                let _ = std::fs::create_dir_all(parent);
            }
            let _ = std::fs::copy(file, &target);
        }
    }
}

/// Date and entity extraction CPU as shares of the rest of ingest and of the whole.
fn print_extraction_shares(extraction: &Extraction, ingest_cpu: Duration) {
    let Extraction {
        date_time,
        entity_time,
        mentions,
        entities,
    } = *extraction;
    let rest = ingest_cpu
        .saturating_sub(date_time)
        .saturating_sub(entity_time)
        .as_secs_f64()
        .max(f64::EPSILON);
    println!("rest of ingest (without extraction): {rest:.2} s CPU");
    println!(
        "date extraction: {:.3} s CPU for {mentions} mentions = {:.1}% added to the rest of ingest",
        date_time.as_secs_f64(),
        100.0 * date_time.as_secs_f64() / rest
    );
    println!(
        "entity extraction: {:.3} s CPU for {entities} entities = {:.1}% added to the rest of ingest",
        entity_time.as_secs_f64(),
        100.0 * entity_time.as_secs_f64() / rest
    );
    let all = rest + date_time.as_secs_f64() + entity_time.as_secs_f64();
    println!(
        "entity extraction share of ingest CPU: {:.1}%",
        100.0 * entity_time.as_secs_f64() / all
    );
}

/// Parses the entity model once (as the first extraction of a run does) and prints the time,
/// its file size and the resident memory it adds (`VmRSS`, and the peak `VmHWM`).
fn model_cost() {
    let status = |field: &str| -> u64 {
        std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| {
                let line = s.lines().find(|l| l.starts_with(field))?.to_string();
                line.split_whitespace().nth(1)?.parse().ok()
            })
            .unwrap_or(0)
    };
    let (rss, peak) = (status("VmRSS:"), status("VmHWM:"));
    let started = Instant::now();
    let features = entities::shipped_model().map_or(0, |m| m.feature_count());
    println!(
        "entity model: {} bytes, {features} features, parsed in {:.0} ms, +{} MB RSS, +{} MB peak RSS",
        entities::model_file().len(),
        started.elapsed().as_secs_f64() * 1000.0,
        status("VmRSS:").saturating_sub(rss) / 1024,
        status("VmHWM:").saturating_sub(peak) / 1024
    );
}

/// Extraction alone, on the same articles, single-threaded.
#[derive(Clone, Copy)]
struct Extraction {
    date_time: Duration,
    entity_time: Duration,
    mentions: usize,
    entities: usize,
}

fn time_extraction(files: &[PathBuf], copies: usize, options: &ParseOptions) -> Extraction {
    let mut out = Extraction {
        date_time: Duration::ZERO,
        entity_time: Duration::ZERO,
        mentions: 0,
        entities: 0,
    };
    for file in files {
        let Ok(Some(parsed)) = article::parse_file(file, options) else {
            continue;
        };
        let a = parsed.article.document;
        let day = a.published.map(|d| d.date_naive());
        let started = thread_cpu();
        for _ in 0..copies {
            out.mentions += dates::extract_dates(&a.title, day).len()
                + dates::extract_dates(&a.body, day).len();
        }
        out.date_time += thread_cpu().saturating_sub(started);
        let started = thread_cpu();
        for _ in 0..copies {
            out.entities += options.linguistics.entities(&a.title, &a.body).len();
        }
        out.entity_time += thread_cpu().saturating_sub(started);
    }
    out
}

/// The articles under `dir`, found as ingest finds them.
fn article_files(dir: &Path) -> Vec<PathBuf> {
    newsidx::read::discover::discover(dir, &[])
        .candidates
        .iter()
        .map(|c| c.abs)
        .collect()
}

/// User plus system CPU time of this process, all threads (Linux `/proc/self/stat`).
fn process_cpu() -> Duration {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return Duration::ZERO;
    };
    // Fields after the command name, which is in parentheses and may contain spaces.
    let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
        return Duration::ZERO;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // utime and stime are fields 14 and 15 of the whole line: 11 and 12 after the name.
    let total = ticks(11) + ticks(12);
    Duration::from_millis(total * 10) // USER_HZ is 100 on Linux
}

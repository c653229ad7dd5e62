//! The performance benchmark: ingest against the segmentation floor, memory, index size, stage
//! shares, warm and cold search, at several corpus sizes.
//!
//!     cargo build --release && cargo run --release --example bench -- \
//!         [--n 1000,10000,100000] [--million] [--work DIR] [--keep] [--source DIR]
//!         [--search-only]
//!
//! For each N it generates N articles with `gen_corpus` under `DIR/perf-N` (default
//! `/tmp/newsidx-bench`; reused when already there), then:
//! - runs the release `newsidx ingest` as a child process and reads its wall time, CPU time
//!   and peak RSS (`wait4`), the index size, and the per-stage times it prints with
//!   `NEWSIDX_STAGE_TIMES`;
//! - measures the segmentation floor: jieba's dictionary load, then the same body texts
//!   through jieba's search-mode cut on as many threads as ingest parses with, nothing else;
//! - runs 34 fixed queries (words, several words, phrases, filters, facets) in-process, 20
//!   times each after one warm-up, and reports p50 and p99;
//! - times 10 `newsidx search` processes (after one untimed run) and reports the median.
//!
//! `--million` adds N = 1,000,000. The machine's load average is printed with the figures,
//! since a shared machine makes them noisy. Corpora and indexes are deleted after each N unless
//! `--keep` is given.

#[path = "support/bench_util.rs"]
mod bench_util;
#[allow(dead_code)]
#[path = "gen_corpus.rs"]
mod gen_corpus;

use bench_util::{fail, percentile, release_binary};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use newsidx::search::{SearchRequest, Searcher};
use newsidx::stages::thread_cpu;
use rayon::prelude::*;

const SEED: u64 = 1;

struct Args {
    sizes: Vec<usize>,
    work: PathBuf,
    keep: bool,
    /// Only the warm and cold searches, on indexes an earlier `--keep` run left.
    search_only: bool,
    source: PathBuf,
}

fn main() {
    let args = parse_args();
    let binary = release_binary();
    let paragraphs = gen_corpus::paragraphs(&args.source);
    if paragraphs.is_empty() {
        fail(&format!("no paragraphs under {}", args.source.display()));
    }
    let threads = rayon::current_num_threads();
    println!(
        "newsidx bench: {threads} cores; ingest parses on {threads} rayon threads and indexes on \
         tantivy's {threads} writer threads; the floor segments on {threads} threads"
    );
    println!(
        "paragraphs: {} from {}",
        paragraphs.len(),
        args.source.display()
    );
    for &n in &args.sizes {
        let dir = args.work.join(format!("perf-{n}"));
        if args.search_only {
            search_only(n, &dir.join("index"), &binary);
            continue;
        }
        let run = bench_one(n, &dir, &binary, &paragraphs);
        print_run(n, &run);
        if !args.keep {
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
}

/// `--search-only`: warm and cold search on the index of an earlier run.
fn search_only(n: usize, index: &Path, binary: &Path) {
    if !index.join("meta.json").is_file() {
        fail(&format!("no index at {}", index.display()));
    }
    println!(
        "\n== N = {n}: searches only ==\nload average: {}",
        load_average()
    );
    print_searches(&warm_search(index), cold_search(binary, index));
}

fn parse_args() -> Args {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let mut sizes: Vec<usize> = value("--n")
        .unwrap_or_else(|| "1000,10000,100000".into())
        .split(',')
        .filter_map(|s| s.trim().replace('_', "").parse().ok())
        .collect();
    if args.iter().any(|a| a == "--million") {
        sizes.push(1_000_000);
    }
    Args {
        sizes,
        work: value("--work").map_or_else(|| PathBuf::from("/tmp/newsidx-bench"), PathBuf::from),
        keep: args.iter().any(|a| a == "--keep" || a == "--search-only"),
        search_only: args.iter().any(|a| a == "--search-only"),
        source: value("--source").map_or_else(gen_corpus::default_source, PathBuf::from),
    }
}

/// `target/release/newsidx`, next to this example's own binary.
/// Everything measured for one N.
struct Run {
    load_before: String,
    generated: gen_corpus::Generated,
    ingest: Ingest,
    index_bytes: u64,
    floor: Floor,
    warm: Warm,
    cold: (Duration, Duration),
    load_after: String,
}

fn bench_one(n: usize, dir: &Path, binary: &Path, paragraphs: &[String]) -> Run {
    let corpus = dir.join("corpus");
    let index = dir.join("index");
    let _ = std::fs::remove_dir_all(&index);
    let generated = ensure_corpus(n, &corpus, paragraphs);
    let load_before = load_average();
    let ingest = run_ingest(binary, &corpus, &index);
    let index_bytes = folder_size(&index);
    let floor = floor(n, paragraphs);
    let warm = warm_search(&index);
    let cold = cold_search(binary, &index);
    Run {
        load_before,
        generated,
        ingest,
        index_bytes,
        floor,
        warm,
        cold,
        load_after: load_average(),
    }
}

/// Generates the corpus unless a complete one is already there (a marker file says so).
fn ensure_corpus(n: usize, corpus: &Path, paragraphs: &[String]) -> gen_corpus::Generated {
    let marker = corpus.with_file_name("generated.txt");
    if let Some(g) = std::fs::read_to_string(&marker)
        .ok()
        .and_then(|t| parse_marker(&t))
    {
        return g;
    }
    let _ = std::fs::remove_dir_all(corpus);
    let started = Instant::now();
    let g = match gen_corpus::generate(n, corpus, SEED, paragraphs) {
        Ok(g) => g,
        Err(e) => fail(&format!("{}: {e}", corpus.display())),
    };
    let _ = std::fs::write(
        &marker,
        format!(
            "{} {} {} {} {}",
            g.articles, g.near_copies, g.bad, g.bytes, g.body_bytes
        ),
    );
    eprintln!(
        "generated {n} files in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    g
}

fn parse_marker(text: &str) -> Option<gen_corpus::Generated> {
    let v: Vec<u64> = text
        .split_whitespace()
        .filter_map(|s| s.parse().ok())
        .collect();
    match v[..] {
        [articles, near_copies, bad, bytes, body_bytes] => Some(gen_corpus::Generated {
            articles: articles as usize,
            near_copies: near_copies as usize,
            bad: bad as usize,
            bytes,
            body_bytes,
        }),
        _ => None,
    }
}

/// What the ingest child process cost.
#[derive(Default)]
struct Ingest {
    wall: Duration,
    cpu: Duration,
    max_rss_kb: u64,
    /// Largest anonymous (heap) and file-backed (mapped index files) resident sizes seen by
    /// sampling `/proc/PID/status` every 50 ms: the peak splits into these two.
    max_anon_kb: u64,
    max_file_kb: u64,
    documents: u64,
    stages: serde_json::Value,
}

fn run_ingest(binary: &Path, corpus: &Path, index: &Path) -> Ingest {
    let started = Instant::now();
    let child = Command::new(binary)
        .arg("ingest")
        .arg(corpus)
        .arg("--index")
        .arg(index)
        .args(["--json", "--quiet"])
        .env("NEWSIDX_STAGE_TIMES", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| fail(&format!("{}: {e}", binary.display())));
    let pid = child.id() as libc::pid_t;
    let sampler = sample_rss(pid);
    // Read both pipes on threads so a chatty child never blocks, then reap it with wait4,
    // which also returns its resource usage (std's `wait` does not).
    let (stdout, stderr) = drain(child);
    let usage = wait4(pid);
    let wall = started.elapsed();
    let (anon_kb, file_kb) = sampler.join().unwrap_or_default();
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    let summary: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap_or_default();
    let stages = stderr
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find_map(|v| v.get("stage_seconds").cloned())
        .unwrap_or_default();
    Ingest {
        wall,
        cpu: usage.0,
        max_rss_kb: usage.1,
        max_anon_kb: anon_kb,
        max_file_kb: file_kb,
        documents: summary["total"].as_u64().unwrap_or(0),
        stages,
    }
}

/// Samples the child's `RssAnon` and `RssFile` until it exits; returns the largest of each.
fn sample_rss(pid: libc::pid_t) -> std::thread::JoinHandle<(u64, u64)> {
    std::thread::spawn(move || {
        let path = format!("/proc/{pid}/status");
        let (mut anon, mut file) = (0, 0);
        // The file stays readable until the child is reaped, then the loop ends.
        while let Ok(status) = std::fs::read_to_string(&path) {
            let kb = |key: &str| {
                status
                    .lines()
                    .find_map(|l| l.strip_prefix(key))
                    .and_then(|v| v.split_whitespace().next())
                    .and_then(|v| v.parse::<u64>().ok())
                    .unwrap_or(0)
            };
            if status.contains("State:\tZ") {
                break;
            }
            anon = anon.max(kb("RssAnon:"));
            file = file.max(kb("RssFile:"));
            std::thread::sleep(Duration::from_millis(50));
        }
        (anon, file)
    })
}

type Pipe = std::thread::JoinHandle<String>;

fn drain(mut child: std::process::Child) -> (Pipe, Pipe) {
    use std::io::Read;
    let mut out = child.stdout.take();
    let mut err = child.stderr.take();
    let a = std::thread::spawn(move || {
        let mut s = String::new();
        if let Some(p) = out.as_mut() {
            let _ = p.read_to_string(&mut s);
        }
        s
    });
    let b = std::thread::spawn(move || {
        let mut s = String::new();
        if let Some(p) = err.as_mut() {
            let _ = p.read_to_string(&mut s);
        }
        s
    });
    // The child is reaped by pid (`wait4`); the handle going out of scope neither kills nor
    // waits for it.
    (a, b)
}

/// Waits for `pid` and returns its user+system CPU time and peak RSS in KiB.
fn wait4(pid: libc::pid_t) -> (Duration, u64) {
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to overwrite.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our own unreaped child; both pointers are to live locals.
    let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    if rc != pid {
        fail("wait4 failed");
    }
    let tv = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    (
        tv(usage.ru_utime) + tv(usage.ru_stime),
        usage.ru_maxrss as u64,
    )
}

fn folder_size(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => folder_size(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

/// The segmentation floor.
struct Floor {
    load: Duration,
    cut: Duration,
    /// CPU time of the load and the cut, all threads.
    cpu: Duration,
    tokens: usize,
}

impl Floor {
    fn total(&self) -> Duration {
        self.load + self.cut
    }
}

/// jieba's dictionary load, then every body through `cut_for_search` with HMM on the rayon
/// pool. Bodies are made 10,000 at a time (untimed), so memory stays flat at any N.
fn floor(n: usize, paragraphs: &[String]) -> Floor {
    let started = Instant::now();
    let cpu = thread_cpu();
    let jieba = jieba_rs::Jieba::new();
    let load = started.elapsed();
    let load_cpu = thread_cpu().saturating_sub(cpu);
    let mut cut = Duration::ZERO;
    let mut cut_cpu = Duration::ZERO;
    let mut tokens = 0;
    let block = 10_000;
    for first in (0..n).step_by(block) {
        let bodies: Vec<String> = (first..(first + block).min(n))
            .into_par_iter()
            .filter_map(|i| gen_corpus::body_text(i, SEED, paragraphs))
            .collect();
        let started = Instant::now();
        let (n, cpu) = bodies
            .par_iter()
            .map(|b| {
                let cpu = thread_cpu();
                let n = jieba.cut_for_search(b, true).len();
                (n, thread_cpu().saturating_sub(cpu))
            })
            .reduce(|| (0, Duration::ZERO), |a, b| (a.0 + b.0, a.1 + b.1));
        cut += started.elapsed();
        tokens += n;
        cut_cpu += cpu;
    }
    Floor {
        load,
        cut,
        cpu: load_cpu + cut_cpu,
        tokens,
    }
}

/// Warm in-process search latency over the fixed query set.
struct Warm {
    p50: Duration,
    p99: Duration,
    /// The same percentiles of the searching thread's CPU time.
    cpu_p50: Duration,
    cpu_p99: Duration,
    max: Duration,
    queries: usize,
    samples: usize,
    /// The three queries with the slowest single run.
    slowest: Vec<(Duration, String)>,
}

fn warm_search(index: &Path) -> Warm {
    let searcher = Searcher::open(index).unwrap_or_else(|e| fail(&e.to_string()));
    let requests = queries();
    let mut times = Vec::new();
    let mut cpu_times = Vec::new();
    let mut slowest: Vec<(Duration, String)> = Vec::new();
    for request in &requests {
        let _ = searcher.search(request);
        let mut worst = Duration::ZERO;
        for _ in 0..20 {
            let cpu = thread_cpu();
            let started = Instant::now();
            let _ = searcher.search(request);
            let took = started.elapsed();
            cpu_times.push(thread_cpu().saturating_sub(cpu));
            worst = worst.max(took);
            times.push(took);
        }
        slowest.push((worst, describe(request)));
    }
    times.sort();
    cpu_times.sort();
    let cpu_at = |q: f64| percentile(&cpu_times, q);
    slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
    slowest.truncate(3);
    let at = |q: f64| percentile(&times, q);
    Warm {
        p50: at(0.50),
        p99: at(0.99),
        cpu_p50: cpu_at(0.50),
        cpu_p99: cpu_at(0.99),
        max: times.last().copied().unwrap_or_default(),
        queries: requests.len(),
        samples: times.len(),
        slowest,
    }
}

/// A query as a short label: its text plus which options it sets.
fn describe(r: &SearchRequest) -> String {
    let mut label = format!("{:?}", r.query);
    let flags = [
        (r.facets, "facets"),
        (r.since.is_some() || r.until.is_some(), "dates"),
        (!r.sources.is_empty(), "source"),
        (!r.categories.is_empty(), "category"),
        (r.mentions.is_some(), "mentions"),
        (r.offset > 0, "offset"),
    ];
    for (on, name) in flags {
        if on {
            label.push_str(" +");
            label.push_str(name);
        }
    }
    label
}

/// 34 queries: single words, several words, phrases, exclusions, filters and facets.
fn queries() -> Vec<SearchRequest> {
    let q = |text: &str| SearchRequest {
        query: text.into(),
        limit: 10,
        ..SearchRequest::default()
    };
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
    let mut out: Vec<SearchRequest> = [
        "经济",
        "市场",
        "公司",
        "发展",
        "银行",
        "平台",
        "数据",
        "支付",
        "监管",
        "记者",
        "北京",
        "上海",
        "经济 发展",
        "移动支付 监管",
        "数据安全 平台",
        "银行 贷款 利率",
        "企业 市场 增长",
        "新能源车 芯片产业",
        "\"人工智能\"",
        "\"中国人民银行\"",
        "\"互联互通\"",
        "经济 -上海",
    ]
    .iter()
    .map(|t| q(t))
    .collect();
    out.push(SearchRequest {
        since: day(2020, 1, 1),
        until: day(2020, 6, 30),
        ..q("市场")
    });
    out.push(SearchRequest {
        sources: vec!["北辰晚报".into()],
        ..q("经济")
    });
    out.push(SearchRequest {
        categories: vec!["财经".into()],
        ..q("平台")
    });
    out.push(SearchRequest {
        mentions: Some((day(2021, 1, 1), day(2021, 12, 31))),
        ..q("发展")
    });
    out.push(SearchRequest {
        sort: newsidx::search::Sort::Newest,
        ..q("银行")
    });
    out.push(SearchRequest {
        since: day(2021, 1, 1),
        ..q("")
    });
    for text in ["经济", "支付 监管", "\"数据安全\"", "公司"] {
        out.push(SearchRequest {
            facets: true,
            ..q(text)
        });
    }
    out.push(SearchRequest {
        facets: true,
        sources: vec!["江南商报".into()],
        ..q("市场")
    });
    out.push(SearchRequest {
        offset: 50,
        ..q("中国")
    });
    out
}

/// Median wall and CPU time of 10 `newsidx search` processes, after one untimed run. On a
/// loaded machine the wall time mostly measures waiting for a core; the CPU time does not.
fn cold_search(binary: &Path, index: &Path) -> (Duration, Duration) {
    // Reaped by `wait4`, which std's `wait` cannot stand in for (it gives no rusage).
    #[allow(clippy::zombie_processes)]
    let once = || {
        let started = Instant::now();
        let child = Command::new(binary)
            .args(["search", "经济 发展", "--index"])
            .arg(index)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap_or_else(|e| fail(&format!("{}: {e}", binary.display())));
        let (cpu, _) = wait4(child.id() as libc::pid_t);
        (started.elapsed(), cpu)
    };
    let _ = once();
    let runs: Vec<(Duration, Duration)> = (0..10).map(|_| once()).collect();
    let median = |mut v: Vec<Duration>| {
        v.sort();
        (v[4] + v[5]) / 2
    };
    (
        median(runs.iter().map(|r| r.0).collect()),
        median(runs.iter().map(|r| r.1).collect()),
    )
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn print_run(n: usize, r: &Run) {
    let body_mb = r.generated.body_bytes as f64 / 1e6;
    let wall = r.ingest.wall.as_secs_f64();
    println!(
        "\n== N = {n} ({} articles, {} near-copies, {} bad; {:.1} MB of files, {body_mb:.1} MB of body text) ==",
        r.generated.articles,
        r.generated.near_copies,
        r.generated.bad,
        r.generated.bytes as f64 / 1e6
    );
    println!(
        "load average before/after: {} / {}",
        r.load_before, r.load_after
    );
    println!(
        "ingest: {:.2} s wall, {:.2} s CPU, {} documents, {:.0} docs/s, {:.2} MB/s of body text, \
         peak RSS {:.0} MB (sampled peaks: heap {:.0} MB, mapped files {:.0} MB)",
        wall,
        r.ingest.cpu.as_secs_f64(),
        r.ingest.documents,
        r.ingest.documents as f64 / wall,
        body_mb / wall,
        r.ingest.max_rss_kb as f64 / 1024.0,
        r.ingest.max_anon_kb as f64 / 1024.0,
        r.ingest.max_file_kb as f64 / 1024.0
    );
    println!(
        "index: {:.1} MB = {:.2} x body text",
        r.index_bytes as f64 / 1e6,
        r.index_bytes as f64 / r.generated.body_bytes.max(1) as f64
    );
    let floor = r.floor.total().as_secs_f64();
    println!(
        "segmentation floor: {:.2} s wall, {:.2} s CPU (dictionary {:.2} s + cut {:.2} s, {} tokens); \
         ingest = {:.1} x floor in wall time, {:.1} x in CPU time",
        floor,
        r.floor.cpu.as_secs_f64(),
        r.floor.load.as_secs_f64(),
        r.floor.cut.as_secs_f64(),
        r.floor.tokens,
        wall / floor.max(f64::EPSILON),
        r.ingest.cpu.as_secs_f64() / r.floor.cpu.as_secs_f64().max(f64::EPSILON)
    );
    print_stages(&r.ingest);
    print_searches(&r.warm, r.cold);
}

fn print_searches(warm: &Warm, cold: (Duration, Duration)) {
    println!(
        "warm search: p50 {:.2} ms, p99 {:.2} ms (CPU p50 {:.2} ms, p99 {:.2} ms), max {:.2} ms \
         ({} queries x 20 runs = {} samples)",
        ms(warm.p50),
        ms(warm.p99),
        ms(warm.cpu_p50),
        ms(warm.cpu_p99),
        ms(warm.max),
        warm.queries,
        warm.samples
    );
    let slowest: Vec<String> = warm
        .slowest
        .iter()
        .map(|(d, q)| format!("{q} {:.1} ms", ms(*d)))
        .collect();
    println!("slowest warm queries: {}", slowest.join(", "));
    println!(
        "cold `newsidx search`: median {:.1} ms wall, {:.1} ms CPU, of 10 processes",
        ms(cold.0),
        ms(cold.1)
    );
}

/// Each stage's share of the ingest process's CPU time; what the timed stages do not cover is
/// tantivy's indexing (postings, doc store, merges) plus discovery and setup.
fn print_stages(ingest: &Ingest) {
    let Some(stages) = ingest.stages.as_object() else {
        println!("stages: (no stage times reported)");
        return;
    };
    let cpu = ingest.cpu.as_secs_f64().max(f64::EPSILON);
    let mut covered = 0.0;
    let mut parts = Vec::new();
    for (name, seconds) in stages {
        let s = seconds.as_f64().unwrap_or(0.0);
        if name == "commit" {
            continue;
        }
        covered += s;
        parts.push(format!("{name} {:.1}% ({s:.2} s)", 100.0 * s / cpu));
    }
    let rest = (cpu - covered).max(0.0);
    parts.push(format!(
        "tantivy indexing + other {:.1}% ({rest:.2} s)",
        100.0 * rest / cpu
    ));
    println!("stage shares of ingest CPU: {}", parts.join(", "));
    let commit = stages.get("commit").and_then(|v| v.as_f64()).unwrap_or(0.0);
    println!("commit (wall, waiting for the writer threads and merges): {commit:.2} s");
}

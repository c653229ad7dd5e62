//! Load benchmark for `newsidx serve`: N concurrent clients send a fixed set of searches with
//! facets for a fixed time, then throughput and latency percentiles are printed.
//!
//!     cargo build --release && cargo run --release --example bench_serve -- \
//!         --index DIR [--clients 32] [--seconds 20] [--without-facets]
//!
//! It starts the release `newsidx serve` on a free loopback port over the index at `DIR`
//! (e.g. the 100,000-article index `cargo run --release --example bench -- --n 100000 --keep`
//! leaves in `/tmp/newsidx-bench/perf-100000/index`), sends each query once to warm up, then
//! runs the clients on one tokio thread (keep-alive connections, each client walking the query
//! list from its own starting point) until the time is up. Latency is measured per request
//! from send to the last body byte. Also printed: the server's CPU time per request and the
//! load average, since on a shared machine wall-clock latency includes waiting for a core.
//! `--without-facets` sends the same searches without `facets=1`: what the rest of a search
//! costs, the floor under the facet figures.

#[path = "support/bench_util.rs"]
mod bench_util;

use bench_util::{fail, percentile, release_binary};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

/// Searches sent, all with `facets=1` unless `--without-facets`: single words, several
/// words, a phrase, filters.
const QUERIES: [&str; 12] = [
    "q=经济",
    "q=公司",
    "q=市场",
    "q=银行",
    "q=支付 监管",
    "q=经济 发展",
    "q=数据安全 平台",
    "q=\"人工智能\"",
    "q=\"数据安全\"",
    "q=市场&source=江南商报",
    "q=平台&category=财经",
    "q=银行&sort=newest",
];

struct Args {
    index: PathBuf,
    clients: usize,
    seconds: u64,
    facets: bool,
}

type HttpClient = Client<HttpConnector, Empty<Bytes>>;

fn main() {
    let args = parse_args();
    let binary = release_binary();
    let (mut server, port) = start_server(&binary, &args.index);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| fail(&format!("tokio runtime: {e}")));
    let urls: Vec<String> = QUERIES
        .iter()
        .map(|q| format!("http://127.0.0.1:{port}/api/search?{}", encode(q)))
        .map(|url| match args.facets {
            true => url + "&facets=1",
            false => url,
        })
        .collect();
    let load_before = load_average();
    let cpu_before = process_cpu(server.id());
    let (latencies, errors, wall) = runtime.block_on(run_clients(&urls, &args));
    let cpu = process_cpu(server.id()).saturating_sub(cpu_before);
    let load_after = load_average();
    let _ = server.kill();
    let _ = server.wait();
    report(
        &args,
        latencies,
        errors,
        wall,
        cpu,
        (&load_before, &load_after),
    );
}

/// Warms every query once, then runs the clients until the time is up.
async fn run_clients(urls: &[String], args: &Args) -> (Vec<Duration>, usize, Duration) {
    let client: HttpClient = Client::builder(TokioExecutor::new()).build_http();
    for url in urls {
        if let Err(e) = request(&client, url).await {
            fail(&format!("warm-up request {url} failed: {e}"));
        }
    }
    let started = Instant::now();
    let deadline = started + Duration::from_secs(args.seconds);
    let tasks: Vec<_> = (0..args.clients)
        .map(|i| {
            let client = client.clone();
            let urls = urls.to_vec();
            tokio::spawn(async move { one_client(client, urls, i, deadline).await })
        })
        .collect();
    let mut latencies = Vec::new();
    let mut errors = 0;
    for task in tasks {
        if let Ok((times, failed)) = task.await {
            latencies.extend(times);
            errors += failed;
        }
    }
    (latencies, errors, started.elapsed())
}

/// One client: requests one after another, starting at query `first`, until `deadline`.
async fn one_client(
    client: HttpClient,
    urls: Vec<String>,
    first: usize,
    deadline: Instant,
) -> (Vec<Duration>, usize) {
    let mut times = Vec::new();
    let mut errors = 0;
    let mut next = first;
    while Instant::now() < deadline {
        let url = &urls[next % urls.len()];
        next += 1;
        let sent = Instant::now();
        match request(&client, url).await {
            Ok(()) => times.push(sent.elapsed()),
            Err(_) => errors += 1,
        }
    }
    (times, errors)
}

/// One GET, read to the end; an error for anything but 200.
async fn request(client: &HttpClient, url: &str) -> Result<(), String> {
    let uri: hyper::Uri = url.parse().map_err(|e| format!("{e}"))?;
    let response = client.get(uri).await.map_err(|e| e.to_string())?;
    let status = response.status();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?;
    if status != 200 {
        let text = String::from_utf8_lossy(&body.to_bytes()).into_owned();
        return Err(format!("HTTP {status}: {text}"));
    }
    Ok(())
}

fn report(
    args: &Args,
    mut latencies: Vec<Duration>,
    errors: usize,
    wall: Duration,
    server_cpu: Duration,
    load: (&str, &str),
) {
    latencies.sort();
    let n = latencies.len();
    if n == 0 {
        fail("no request succeeded");
    }
    let at = |q: f64| percentile(&latencies, q);
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "newsidx serve load: {} clients, {:.1} s, {} search queries {}, index {}",
        args.clients,
        wall.as_secs_f64(),
        QUERIES.len(),
        if args.facets {
            "with facets"
        } else {
            "without facets"
        },
        args.index.display()
    );
    println!("load average before/after: {} / {}", load.0, load.1);
    println!(
        "requests: {n} ok, {errors} failed; throughput {:.1} requests/s",
        n as f64 / wall.as_secs_f64()
    );
    println!(
        "latency: p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        ms(at(0.50)),
        ms(at(0.90)),
        ms(at(0.99)),
        ms(at(1.0))
    );
    println!(
        "server CPU: {:.1} s, {:.2} ms per request",
        server_cpu.as_secs_f64(),
        ms(server_cpu) / n as f64
    );
}

/// Starts `newsidx serve` on a free loopback port; returns the process and the port.
fn start_server(binary: &Path, index: &Path) -> (Child, u16) {
    let mut child = Command::new(binary)
        .arg("serve")
        .arg("--index")
        .arg(index)
        .args(["--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| fail(&format!("cannot start {}: {e}", binary.display())));
    let mut line = String::new();
    if let Some(stdout) = child.stdout.take() {
        let _ = BufReader::new(stdout).read_line(&mut line);
    }
    let port = line
        .trim()
        .rsplit(':')
        .next()
        .and_then(|p| p.trim_end_matches('/').parse().ok());
    match port {
        Some(port) => (child, port),
        None => {
            let _ = child.kill();
            fail(&format!(
                "newsidx serve did not say where it listens: {line:?}"
            ))
        }
    }
}

/// Percent-encodes everything but the query string's own `=` and `&`.
fn encode(query: &str) -> String {
    query
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'=' | b'&' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// User plus system CPU time of a process, from `/proc/PID/stat` (zero when unreadable).
fn process_cpu(pid: u32) -> Duration {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return Duration::ZERO;
    };
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // SAFETY: sysconf only reads a configuration value.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    let hz = u64::try_from(hz).ok().filter(|&h| h > 0).unwrap_or(100);
    Duration::from_millis((ticks(11) + ticks(12)) * 1000 / hz)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// `target/release/newsidx`, next to this example's own binary.
fn parse_args() -> Args {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
    };
    let number = |flag: &str, default: u64| match value(flag) {
        None => default,
        Some(v) => v
            .parse()
            .unwrap_or_else(|_| fail(&format!("{flag} takes a number, not {v:?}"))),
    };
    let Some(index) = value("--index") else {
        fail("usage: bench_serve --index DIR [--clients 32] [--seconds 20] [--without-facets]");
    };
    Args {
        index: PathBuf::from(index),
        clients: number("--clients", 32).max(1) as usize,
        seconds: number("--seconds", 20).max(1),
        facets: !args.iter().any(|a| a == "--without-facets"),
    }
}

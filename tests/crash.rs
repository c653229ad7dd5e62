//! Ingest under SIGKILL and a full disk: every kill leaves a searchable index (the old state
//! or a checkpoint), never a lock that blocks the next run or files that pile up, and the run
//! that finally finishes equals a clean build. Uses a corpus from `examples/gen_corpus.rs`.

mod common;

#[allow(dead_code)]
#[path = "../examples/gen_corpus.rs"]
mod gen_corpus;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use common::{Workspace, newsidx};

/// These tests each keep both cores busy; run them one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

fn paragraphs() -> Vec<String> {
    gen_corpus::paragraphs(&Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus"))
}

/// A workspace whose corpus holds generated articles `0..n`.
fn generated(n: usize) -> Workspace {
    let ws = Workspace::new();
    gen_corpus::generate(n, &ws.corpus(), 7, &paragraphs()).expect("generate corpus");
    ws
}

fn spawn_ingest(ws: &Workspace, index: &str, extra: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_newsidx"))
        .args(["ingest", "corpus", "--index", index, "--quiet"])
        .args(extra)
        .current_dir(ws.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the newsidx binary runs")
}

/// `newsidx ingest corpus --index INDEX --quiet` plus `extra`, to the end.
fn ingest_into(ws: &Workspace, index: &str, extra: &[&str]) -> common::Run {
    let mut args = vec!["ingest", "corpus", "--index", index, "--quiet"];
    args.extend_from_slice(extra);
    newsidx(ws.path(), &args)
}

/// SIGKILLs `child` after `delay`; false when it had already finished by itself.
fn kill_after(mut child: Child, delay: Duration) -> bool {
    let started = Instant::now();
    while started.elapsed() < delay {
        if let Ok(Some(_)) = child.try_wait() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let killed = child.kill().is_ok();
    let _ = child.wait();
    killed
}

/// Every document's id and fingerprint (a hash of the bytes it was parsed from).
fn contents(index: &Path) -> BTreeMap<String, u64> {
    let analyzer = newsidx::analyse::Linguistics::shared().analyzer.clone();
    let opened = newsidx::index::open(index, &analyzer).expect("open index");
    newsidx::index::state::documents(&opened.index)
        .expect("read documents")
        .into_iter()
        .map(|(id, state)| (id, state.fingerprint))
        .collect()
}

/// Files in the index folder that belong to no segment of the last commit.
fn orphans(index: &Path) -> Vec<String> {
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(index.join("meta.json")).unwrap()).unwrap();
    let live: BTreeSet<String> = meta["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["segment_id"].as_str().unwrap().replace('-', ""))
        .collect();
    let known = [
        "meta.json",
        ".managed.json",
        ".tantivy-meta.lock",
        ".tantivy-writer.lock",
        "newsidx-entities.tsv",
        "newsidx-dict.txt",
        "newsidx-words.fst",
        "newsidx-last-ingest.json",
    ];
    std::fs::read_dir(index)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| !known.contains(&name.as_str()))
        .filter(|name| !live.contains(name.split('.').next().unwrap_or("")))
        .collect()
}

/// Search must answer after every kill: hits or none, never an error.
fn assert_searchable(ws: &Workspace, index: &str) -> u64 {
    let run = newsidx(
        ws.path(),
        &["search", "--index", index, "--json", "系列报道"],
    );
    assert!(
        run.code == 0 || run.code == 1,
        "search failed: {}",
        run.stderr
    );
    run.json()["total"].as_u64().unwrap()
}

/// Rewrites a tenth of the articles, deletes some and adds some: an incremental run has work.
fn change_corpus(ws: &Workspace, n: usize) {
    let paras = paragraphs();
    for i in (0..n).step_by(10) {
        let (rel, bytes) = gen_corpus::article(i, 8, &paras);
        std::fs::write(ws.corpus().join(rel), bytes).unwrap();
    }
    for i in (5..n).step_by(50) {
        let (rel, _) = gen_corpus::article(i, 7, &paras);
        let _ = std::fs::remove_file(ws.corpus().join(rel));
    }
    for i in n..n + n / 20 {
        let (rel, bytes) = gen_corpus::article(i, 7, &paras);
        let path = ws.corpus().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

/// Kills `runs` ingests with `extra` flags at pseudo-random moments within `window`, and returns
/// how many were really killed (not already finished). A run that finishes before its kill
/// halves the window, so a fast (or suddenly idle) machine still gets its kills; at most
/// three times `runs` attempts.
fn kill_runs(
    ws: &Workspace,
    extra: &[&str],
    runs: usize,
    mut window: Duration,
    rng: &mut gen_corpus::Rng,
) -> usize {
    let mut killed = 0;
    for _ in 0..runs * 3 {
        if killed == runs {
            break;
        }
        let before = std::fs::read(ws.path().join("index/meta.json")).ok();
        let delay = window.mul_f64((50 + rng.below(950)) as f64 / 1000.0);
        let was_killed = kill_after(spawn_ingest(ws, "index", extra), delay);
        killed += usize::from(was_killed);
        if !was_killed {
            window /= 2;
        }
        assert_searchable(ws, "index");
        if was_killed && extra.contains(&"--full") {
            // A killed --full leaves the old index exactly as it was.
            assert_eq!(
                std::fs::read(ws.path().join("index/meta.json")).ok(),
                before
            );
        }
    }
    killed
}

#[test]
fn repeated_kills_never_break_search_and_the_last_run_equals_a_clean_build() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let n = 700;
    let ws = generated(n);
    let mut rng = gen_corpus::Rng::new(42);
    let interval = ["--commit-interval", "1"];

    // Learn how long a first build takes, to aim the kills inside runs.
    let started = Instant::now();
    let clean = ingest_into(&ws, "clean", &[]);
    assert_eq!(
        clean.code, 1,
        "the generated bad files are rejected: {}",
        clean.stderr
    );
    let full_time = started.elapsed();

    let mut killed = kill_runs(&ws, &interval, 4, full_time, &mut rng);
    let finished = ws.ingest_with(&["--quiet", "--json"]);
    // The bad files are new to it unless a checkpoint already recorded them.
    let j = finished.json();
    let new = j["rejected"].as_u64().unwrap();
    assert_eq!(
        new + j["rejected_earlier"].as_u64().unwrap(),
        (n / 500) as u64
    );
    assert_eq!(finished.code, i32::from(new > 0), "{}", finished.stderr);
    assert_eq!(
        contents(&ws.path().join("index")),
        contents(&ws.path().join("clean"))
    );

    change_corpus(&ws, n);
    killed += kill_runs(&ws, &interval, 3, full_time.mul_f64(0.25), &mut rng);
    assert_eq!(ws.ingest_with(&["--quiet"]).code, 0);
    killed += kill_runs(&ws, &["--full"], 4, full_time, &mut rng);
    assert!(
        killed >= 10,
        "only {killed} runs were killed before they finished"
    );

    let last = ws.ingest_with(&["--quiet", "--json"]);
    assert!(last.code == 0 || last.code == 1, "{}", last.stderr);
    let fresh = ingest_into(&ws, "fresh", &[]);
    assert_eq!(fresh.code, 1);
    let (ours, theirs) = (
        contents(&ws.path().join("index")),
        contents(&ws.path().join("fresh")),
    );
    assert_eq!(ours.len(), theirs.len());
    assert_eq!(ours, theirs);
    assert_eq!(orphans(&ws.path().join("index")), Vec::<String>::new());
}

#[test]
fn a_killed_first_build_resumes_from_its_checkpoint() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let ws = generated(1_000);
    let mut child = spawn_ingest(&ws, "index", &["--commit-interval", "1"]);
    let meta = ws.path().join("index/meta.json");
    let started = Instant::now();
    let checkpointed = loop {
        let text = std::fs::read_to_string(&meta).unwrap_or_default();
        if text.contains("\\\"complete\\\":false") {
            break true;
        }
        if child.try_wait().ok().flatten().is_some() || started.elapsed() > Duration::from_secs(60)
        {
            break false;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        checkpointed,
        "the first build finished before its first checkpoint"
    );
    let committed = contents(&ws.path().join("index")).len();
    assert!(committed > 0);

    let resumed = ws.ingest_with(&["--json", "--quiet"]);
    // The two bad files sort first, so the checkpoint already knew them: not new, exit 0.
    assert_eq!((resumed.code, resumed.stderr.as_str()), (0, ""));
    let j = resumed.json();
    assert_eq!(j["resumed"], true);
    assert_eq!(
        (j["rejected"].as_u64(), j["rejected_earlier"].as_u64()),
        (Some(0), Some(2))
    );
    let added = j["added"].as_u64().unwrap() as usize;
    assert!(added < 1_000 - 2, "re-parsed {added} of 1000");
    assert_eq!(j["unchanged"].as_u64().unwrap() as usize, committed);
    let again = ws.ingest_with(&["--json", "--quiet"]).json();
    assert_eq!(
        (again["resumed"].as_bool(), again["unchanged"].as_u64()),
        (Some(false), j["total"].as_u64())
    );
    assert_eq!(ingest_into(&ws, "clean", &[]).code, 1);
    assert_eq!(
        contents(&ws.path().join("index")),
        contents(&ws.path().join("clean"))
    );
}

/// A mounted tmpfs, unmounted on drop (also when an assertion fails).
struct Mounted(PathBuf);

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

/// Mounts a small tmpfs (needs root); `None`, with the reason printed, when that is impossible.
fn small_tmpfs(at: &Path, size: &str) -> Option<Mounted> {
    std::fs::create_dir_all(at).ok()?;
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
        .arg(at)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if mounted {
        Some(Mounted(at.to_path_buf()))
    } else {
        eprintln!(
            "SKIPPED: cannot mount a small tmpfs (needs root and mount permission) to fill a disk"
        );
        None
    }
}

#[test]
fn a_full_disk_is_a_fatal_error_naming_the_index_and_the_last_commit_stays() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let ws = generated(30);
    let Some(disk) = small_tmpfs(&ws.path().join("disk"), "2m") else {
        return;
    };
    let index = disk.0.join("index");
    let index_arg = index.to_str().unwrap().to_string();
    let first = ingest_into(&ws, &index_arg, &[]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let before = contents(&index);

    gen_corpus::generate(1_000, &ws.corpus(), 9, &paragraphs()).unwrap();
    let full = ingest_into(&ws, &index_arg, &[]);
    assert_eq!(full.code, 2, "{}", full.stderr);
    let error = full.stderr.lines().last().unwrap_or("");
    assert!(
        error.starts_with(&format!("newsidx: index {index_arg}: ")),
        "{}",
        full.stderr
    );
    assert!(
        error.ends_with("No space left on device (os error 28)'"),
        "{}",
        full.stderr
    );
    // The last commit is intact and searchable.
    assert_eq!(contents(&index), before);
    let search = newsidx(
        ws.path(),
        &["search", "--index", &index_arg, "--json", "系列报道"],
    );
    assert_eq!(search.code, 0, "{}", search.stderr);
    assert_eq!(search.json()["total"].as_u64(), Some(before.len() as u64));
    drop(disk);
}

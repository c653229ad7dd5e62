//! Where ingest time goes: per-stage time summed over all threads, for the benchmark and for
//! anyone asking why a run is slow (`NEWSIDX_STAGE_TIMES=1 newsidx ingest …` prints it).
//!
//! Each stage adds the CPU time its thread spent in it to one process-wide atomic counter: two
//! reads of the thread's CPU clock and one relaxed add per stage and file, about a microsecond
//! against the milliseconds a file takes, so the timers are always on. CPU time rather than
//! wall time, so that a machine busy with other work does not inflate the stage it preempted.
//! Commits are the exception: they mostly wait for the writer's threads, so they count wall
//! time. Counters only grow; a caller takes a [`snapshot`] before and after the work it
//! measures and subtracts ([`StageTimes::since`]).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A stage of ingest. Tantivy's own indexing work (posting lists, doc store) runs on its
/// threads and is not timed here: it is the process CPU time the stages do not cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Reading a file's bytes, hashing them and decoding them to text.
    ReadDecode,
    /// Front matter, Markdown, HTML parsing, cleaning and trailer lines.
    ParseClean,
    /// jieba search-mode segmentation of title and body (the word fields).
    Segment,
    /// Bigram and character tokens (the phrase fields).
    Bigrams,
    /// Date extraction.
    Dates,
    /// Entity extraction (its jieba tagging pass included).
    Entities,
    /// Per-article keywords (a jieba tagging pass and TF-IDF).
    Keywords,
    /// Near-duplicate signature and cluster assignment.
    NearDup,
    /// Building the tantivy document (stored JSON, facets, date fields).
    Convert,
    /// Commits (checkpoints and the final one), segment flushing and merging they wait for.
    Commit,
}

const STAGES: usize = 10;

impl Stage {
    pub const ALL: [Stage; STAGES] = [
        Stage::ReadDecode,
        Stage::ParseClean,
        Stage::Segment,
        Stage::Bigrams,
        Stage::Dates,
        Stage::Entities,
        Stage::Keywords,
        Stage::NearDup,
        Stage::Convert,
        Stage::Commit,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Stage::ReadDecode => "read_decode",
            Stage::ParseClean => "parse_clean",
            Stage::Segment => "segment",
            Stage::Bigrams => "bigrams",
            Stage::Dates => "dates",
            Stage::Entities => "entities",
            Stage::Keywords => "keywords",
            Stage::NearDup => "near_dup",
            Stage::Convert => "convert",
            Stage::Commit => "commit",
        }
    }

    fn slot(self) -> usize {
        self as usize
    }
}

static NANOS: [AtomicU64; STAGES] = [const { AtomicU64::new(0) }; STAGES];

/// Runs `f`, adding the CPU time it took (wall time for [`Stage::Commit`]) to `stage`.
pub fn timed<T>(stage: Stage, f: impl FnOnce() -> T) -> T {
    if stage == Stage::Commit {
        let started = Instant::now();
        let out = f();
        add(stage, started.elapsed());
        return out;
    }
    let started = thread_cpu();
    let out = f();
    add(stage, thread_cpu().saturating_sub(started));
    out
}

/// CPU time of the calling thread so far (`CLOCK_THREAD_CPUTIME_ID`: exact to the
/// nanosecond, unlike `/proc/thread-self/schedstat`, which is only brought up to date at
/// scheduler ticks and so misses most of a call shorter than a tick). The benchmarks use it too.
#[cfg(unix)]
pub fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the call only writes into it.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return Duration::ZERO;
    }
    Duration::new(
        u64::try_from(ts.tv_sec).unwrap_or(0),
        u32::try_from(ts.tv_nsec).unwrap_or(0),
    )
}

/// Without a per-thread CPU clock, wall time since the first call.
#[cfg(not(unix))]
pub fn thread_cpu() -> Duration {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    START.get_or_init(Instant::now).elapsed()
}

/// Adds `elapsed` to `stage`.
pub fn add(stage: Stage, elapsed: Duration) {
    let nanos = u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX);
    NANOS[stage.slot()].fetch_add(nanos, Ordering::Relaxed);
}

/// CPU time per stage, summed over threads (wall time for commits).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StageTimes {
    nanos: [u64; STAGES],
}

/// The counters now.
pub fn snapshot() -> StageTimes {
    let mut nanos = [0; STAGES];
    for (slot, counter) in nanos.iter_mut().zip(&NANOS) {
        *slot = counter.load(Ordering::Relaxed);
    }
    StageTimes { nanos }
}

impl StageTimes {
    /// The time spent between `earlier` and this snapshot.
    pub fn since(&self, earlier: &StageTimes) -> StageTimes {
        let mut nanos = [0; STAGES];
        for (i, slot) in nanos.iter_mut().enumerate() {
            *slot = self.nanos[i].saturating_sub(earlier.nanos[i]);
        }
        StageTimes { nanos }
    }

    pub fn get(&self, stage: Stage) -> Duration {
        Duration::from_nanos(self.nanos[stage.slot()])
    }

    /// Stage name to seconds, in pipeline order.
    pub fn to_json(&self) -> serde_json::Value {
        let map: serde_json::Map<String, serde_json::Value> = Stage::ALL
            .iter()
            .map(|s| (s.name().to_string(), self.get(*s).as_secs_f64().into()))
            .collect();
        serde_json::Value::Object(map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_added_to_a_stage_shows_in_the_difference_of_snapshots() {
        let before = snapshot();
        add(Stage::Dates, Duration::from_millis(3));
        add(Stage::Dates, Duration::from_millis(4));
        let spent = snapshot().since(&before);
        // Other tests may time dates concurrently, so at least what we added.
        assert!(spent.get(Stage::Dates) >= Duration::from_millis(7));
        let json = spent.to_json();
        assert_eq!(json.as_object().map(|o| o.len()), Some(10));
        assert!(json["near_dup"].is_number());
        assert!(json["dates"].as_f64().is_some_and(|s| s >= 0.007));
    }
}

//! Shared by the benchmark examples: how they stop on a usage error, where the release binary
//! they drive lives, and one definition of a latency percentile so every report means the same.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::Duration;

/// Prints `program: message` and exits with 2, the code every example uses for bad usage.
pub fn fail(message: &str) -> ! {
    let program = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "bench".to_string());
    eprintln!("{program}: {message}");
    std::process::exit(2);
}

/// The `newsidx` binary of the same profile (examples live one directory below it), because a
/// benchmark must measure the process a user runs, not a library call.
pub fn release_binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    let binary = exe
        .parent()
        .and_then(Path::parent)
        .map(|dir| dir.join("newsidx"))
        .unwrap_or_default();
    if !binary.is_file() {
        fail("build the binary first: cargo build --release");
    }
    binary
}

/// Nearest-rank percentile (`q` in 0..=1) of ascending samples; zero when there are none.
pub fn percentile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (sorted.len() as f64 * q.clamp(0.0, 1.0)).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

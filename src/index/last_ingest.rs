//! The last ingest's time and summary, kept in a small file next to the index
//! (`newsidx-last-ingest.json`) so `newsidx stats` can say when the index was last refreshed
//! and what that run did. It is written after the commit and is informational only: a missing
//! or unreadable record never stops a command.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// What the file holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LastIngest {
    /// When the run finished, RFC 3339 in local time.
    pub finished: String,
    /// The run's summary, as `ingest --json` prints it.
    pub summary: serde_json::Value,
    /// The run's summary line, as `ingest` prints it.
    pub line: String,
}

pub fn path(index: &Path) -> PathBuf {
    index.join("newsidx-last-ingest.json")
}

/// Records a finished ingest (temp file, then rename).
pub fn record(index: &Path, summary: serde_json::Value, line: &str) -> Result<(), Error> {
    let record = LastIngest {
        finished: chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        summary,
        line: line.to_string(),
    };
    let target = path(index);
    let io = |source| Error::Io {
        path: target.clone(),
        source,
    };
    let text = serde_json::to_string_pretty(&record).map_err(|e| Error::index(index, e))?;
    let tmp = target.with_extension("json.tmp");
    std::fs::write(&tmp, text).map_err(io)?;
    std::fs::rename(&tmp, &target).map_err(io)
}

/// The recorded last ingest, if there is a readable one.
pub fn load(index: &Path) -> Option<LastIngest> {
    let text = std::fs::read_to_string(path(index)).ok()?;
    serde_json::from_str(&text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_and_loads() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load(dir.path()), None);
        record(dir.path(), serde_json::json!({"indexed": 3}), "3 indexed").unwrap();
        let got = load(dir.path()).unwrap();
        assert_eq!(got.summary, serde_json::json!({"indexed": 3}));
        assert_eq!(got.line, "3 indexed");
        assert!(chrono::DateTime::parse_from_rfc3339(&got.finished).is_ok());
    }
}

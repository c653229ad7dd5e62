//! Helpers shared by the integration tests: temporary corpora and running the real binary.
#![allow(dead_code)]

pub mod hostile;
pub mod serve;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}): {}\nstderr: {}",
                self.stdout, self.stderr
            )
        })
    }
}

fn finish(output: Output) -> Run {
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs `newsidx` with `args` in `dir`, with no inherited index location or colour settings.
pub fn newsidx(dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_newsidx"))
        .args(args)
        .current_dir(dir)
        .env_remove("NEWSIDX_INDEX")
        .env("NO_COLOR", "1")
        .output()
        .expect("the newsidx binary runs");
    finish(output)
}

/// A temporary folder holding a corpus (`corpus/`) and room for an index (`index/`).
pub struct Workspace {
    pub dir: tempfile::TempDir,
}

impl Workspace {
    pub fn new() -> Workspace {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("corpus")).expect("corpus dir");
        Workspace { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn corpus(&self) -> PathBuf {
        self.dir.path().join("corpus")
    }

    /// Writes `corpus/<name>`, creating folders.
    pub fn write(&self, name: &str, content: impl AsRef<[u8]>) {
        let path = self.corpus().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("parent dir");
        }
        std::fs::write(path, content).expect("write corpus file");
    }

    /// A Jekyll-style article with an HTML body.
    pub fn article(&self, name: &str, title: &str, date: &str, body: &str) {
        self.write(
            name,
            format!("---\nlayout: post\ntitle: \"{title}\"\ndate: {date}\ncategories: news\n---\n<p>{body}</p>\n"),
        );
    }

    pub fn ingest(&self) -> Run {
        self.ingest_with(&[])
    }

    /// `newsidx ingest corpus --index index` plus `extra` flags.
    pub fn ingest_with(&self, extra: &[&str]) -> Run {
        let mut args = vec!["ingest", "corpus", "--index", "index"];
        args.extend_from_slice(extra);
        newsidx(self.path(), &args)
    }

    /// Runs a JSON search and returns the hit paths in rank order (relative to the corpus).
    pub fn search_paths(&self, args: &[&str]) -> Vec<String> {
        let mut full = vec!["search", "--index", "index", "--json"];
        full.extend_from_slice(args);
        let run = newsidx(self.path(), &full);
        assert!(
            run.code == 0 || run.code == 1,
            "search failed: {}",
            run.stderr
        );
        run.json()["hits"]
            .as_array()
            .expect("hits array")
            .iter()
            .map(|h| {
                h["path"]
                    .as_str()
                    .expect("path")
                    .trim_start_matches("corpus/")
                    .to_string()
            })
            .collect()
    }
}

/// `../shared` next to the project, when this checkout has it.
pub fn shared() -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    if path.is_dir() {
        Some(path)
    } else {
        eprintln!(
            "SKIPPED: {} is absent; this test needs the shared seeds and corpus next to the project",
            path.display()
        );
        None
    }
}

//! Shared by the evaluation examples: where `../shared` is, reading gold files, parsing an
//! article through the real pipeline, and precision/recall/F1 arithmetic.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use newsidx::ingest::article::{self, Article, ParseOptions};

/// `--shared DIR`, else `../shared` next to the crate.
pub fn shared_dir(args: &[String]) -> PathBuf {
    args.iter()
        .position(|a| a == "--shared")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"))
}

/// The gold file's JSON lines, or an explanation of why there are none.
pub fn gold_lines(shared: &Path, name: &str) -> Result<Vec<serde_json::Value>, String> {
    let path = shared.join("gold").join(name);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        format!(
            "cannot read {}: {e} (is ../shared present?)",
            path.display()
        )
    })?;
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).map_err(|e| format!("{}: bad line: {e}", path.display())))
        .collect()
}

/// The article exactly as ingest would index it.
pub fn parse(path: &Path) -> Result<Article, String> {
    match article::parse_file(path, &ParseOptions::default()) {
        Ok(Some(parsed)) => Ok(parsed.article),
        Ok(None) => Err(format!("{}: not an article", path.display())),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// True/false positives and false negatives.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

impl Counts {
    pub fn add(&mut self, other: Counts) {
        self.tp += other.tp;
        self.fp += other.fp;
        self.fn_ += other.fn_;
    }
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    pub fn row(&self, label: &str) -> String {
        format!(
            "{label:<16}{:>5}{:>5}{:>5}  {:>6.3} {:>6.3} {:>6.3}",
            self.tp,
            self.fp,
            self.fn_,
            self.precision(),
            self.recall(),
            self.f1()
        )
    }
}

/// Untyped, typed (micro) and per-type counts of one extractor over a benchmark.
#[derive(Debug, Default, Clone)]
pub struct TypedCounts {
    pub untyped: Counts,
    pub typed: Counts,
    pub per_type: std::collections::BTreeMap<String, Counts>,
}

impl TypedCounts {
    pub fn add(&mut self, other: TypedCounts) {
        self.untyped.add(other.untyped);
        self.typed.add(other.typed);
        for (kind, counts) in other.per_type {
            self.per_type.entry(kind).or_default().add(counts);
        }
    }

    /// The counts of one type, for adding to.
    pub fn per(&mut self, kind: &str) -> &mut Counts {
        self.per_type.entry(kind.to_string()).or_default()
    }

    /// A table: the header, untyped, typed, then one row per type.
    pub fn print(&self, label: &str, documents: usize) {
        println!("{label}, {documents} documents");
        println!("{HEADER}");
        println!("{}", self.untyped.row("untyped"));
        println!("{}", self.typed.row("typed (micro)"));
        for (kind, counts) in &self.per_type {
            println!("{}", counts.row(kind));
        }
        println!();
    }

    /// One line: typed, untyped and per-type P/R/F1.
    pub fn summary(&self) -> String {
        let prf = |c: &Counts| {
            format!(
                "P {:.3} R {:.3} F1 {:.3}",
                c.precision(),
                c.recall(),
                c.f1()
            )
        };
        let per: Vec<String> = self
            .per_type
            .iter()
            .map(|(kind, c)| format!("{kind} {}", prf(c)))
            .collect();
        format!(
            "typed {}; untyped {}; {}",
            prf(&self.typed),
            prf(&self.untyped),
            per.join("; ")
        )
    }
}

pub const HEADER: &str = "                   tp   fp   fn       P      R     F1";

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

//! Micro-benchmarks of the hot ingest stages, one group per stage, so a regression shows which
//! stage it came from:
//!
//!     cargo bench --bench stages [-- FILTER]
//!
//! Inputs are this repository's own sample articles (`corpus/`), read and cleaned once; each
//! benchmark then runs one stage over all of them (about 60 KB of text).

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use chrono::NaiveDate;
use divan::{Bencher, black_box};
use newsidx::analyse::{Linguistics, dates, text};
use newsidx::read::{self, Kind, ReadOptions};

fn main() {
    divan::main();
}

/// A sample article: its raw bytes and what reading made of it.
struct Sample {
    name: String,
    kind: Kind,
    bytes: Vec<u8>,
    title: String,
    body: String,
    published: Option<NaiveDate>,
}

fn samples() -> &'static [Sample] {
    static SAMPLES: OnceLock<Vec<Sample>> = OnceLock::new();
    SAMPLES.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let mut files: Vec<PathBuf> = read::discover::discover(&root, &[])
            .candidates
            .iter()
            .map(|c| c.abs)
            .collect();
        files.sort();
        files.iter().filter_map(|path| sample(path)).collect()
    })
}

fn sample(path: &Path) -> Option<Sample> {
    let name = path.file_name()?.to_string_lossy().into_owned();
    let kind = Kind::from_file_name(&name).unwrap_or(Kind::Sniff);
    let bytes = std::fs::read(path).ok()?;
    let read = read::read(&name, &name, kind, &bytes, &ReadOptions::default()).ok()??;
    let d = read.document;
    Some(Sample {
        name,
        kind,
        bytes,
        title: d.title,
        body: d.body,
        published: d.published.map(|p| p.date_naive()),
    })
}

fn linguistics() -> Arc<Linguistics> {
    Linguistics::shared()
}

/// Bytes to document: decode, front matter or page, Markdown, HTML cleaning, trailer lines.
#[divan::bench]
fn read_documents(b: Bencher) {
    let samples = samples();
    let options = ReadOptions::default();
    b.bench(|| {
        for s in samples {
            let _ = black_box(read::read(&s.name, &s.name, s.kind, &s.bytes, &options));
        }
    });
}

/// HTML to paragraphs alone, on the bodies re-wrapped as `<p>` paragraphs.
#[divan::bench]
fn clean_html(b: Bencher) {
    let pages: Vec<String> = samples()
        .iter()
        .map(|s| {
            s.body
                .lines()
                .map(|l| format!("<p>{l}</p>\n"))
                .collect::<String>()
        })
        .collect();
    b.bench(|| {
        for p in &pages {
            black_box(read::clean::html_to_text(p));
        }
    });
}

#[divan::bench]
fn normalize(b: Bencher) {
    let samples = samples();
    b.bench(|| {
        for s in samples {
            black_box(text::normalize(&s.body));
        }
    });
}

/// The word field's tokens: normalise, jieba search mode, offsets back to the original.
#[divan::bench]
fn index_words(b: Bencher) {
    let samples = samples();
    let l = linguistics();
    b.bench(|| {
        for s in samples {
            black_box(l.analyzer.index_words(&s.body));
        }
    });
}

/// The phrase field's tokens: bigrams plus single characters.
#[divan::bench]
fn bigrams(b: Bencher) {
    let samples = samples();
    b.bench(|| {
        for s in samples {
            black_box(text::bigrams(&s.body));
        }
    });
}

#[divan::bench]
fn dates(b: Bencher) {
    let samples = samples();
    b.bench(|| {
        for s in samples {
            black_box(dates::extract_dates(&s.body, s.published));
        }
    });
}

#[divan::bench]
fn entities(b: Bencher) {
    let samples = samples();
    let l = linguistics();
    b.bench(|| {
        for s in samples {
            black_box(l.entities(&s.title, &s.body));
        }
    });
}

/// The segmentation floor on the same text: jieba's search mode alone.
#[divan::bench]
fn jieba_floor(b: Bencher) {
    let samples = samples();
    let l = linguistics();
    let jieba = l.analyzer.jieba();
    b.bench(|| {
        for s in samples {
            black_box(jieba.cut_for_search(&s.body, true));
        }
    });
}

//! The orchestrator, the only module where read, analyse and index meet: discover -> read ->
//! analyse (in parallel, [`article`]) -> index (one writer, one commit). The index mirrors one folder: a rerun re-parses only files whose bytes or parse
//! settings changed, deletes documents whose files are gone, and keeps the indexed version of
//! a file that has become unreadable or malformed. Tantivy's commit is atomic and its writer
//! lock refuses a second concurrent ingest, so a crash or an overlapping cron run never leaves
//! a half-written index.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;
use tantivy::{IndexWriter, TantivyDocument, Term};

pub mod article;

use crate::error::{Error, Rejection};
use crate::index::{self, state};
use crate::read::discover::{self, Candidate};

pub use article::{Article, ParseOptions, Parsed};

/// Files over this size are rejected unread; news articles are kilobytes, so anything larger is
/// a mis-saved archive or a dump that would only stall the batch.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 32 * 1024 * 1024;

/// Memory for tantivy's indexing buffers, shared by its threads.
const WRITER_MEMORY: usize = 256 * 1024 * 1024;

/// Bumped when parsing changes what a file turns into, so every file is re-parsed once.
const PIPELINE_VERSION: u64 = 1;

#[derive(Clone)]
pub struct IngestOptions {
    pub root: PathBuf,
    pub index: PathBuf,
    pub parse: ParseOptions,
    pub max_file_size: u64,
    /// Any rejection aborts the run before the commit (all-or-nothing batches).
    pub strict: bool,
}

/// Something worth telling the user about one file while the batch runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Rejected {
        path: String,
        reason: String,
    },
    Warning {
        path: String,
        message: String,
    },
    /// One more file finished (for progress bars).
    Done,
}

/// The outcome of a run, printed as the summary line (and as JSON with `--json`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct IngestReport {
    /// Files that looked like articles by name.
    pub seen: usize,
    /// Newly added or updated documents.
    pub indexed: usize,
    /// Files whose fingerprint matched the index; not re-parsed.
    pub unchanged: usize,
    pub rejected: usize,
    /// `.txt`/extension-less files that turned out not to be articles, and non-article files.
    pub skipped: usize,
    /// Documents whose files are gone.
    pub removed: usize,
    pub warnings: usize,
    /// Documents in the index after the commit.
    pub total: u64,
    pub seconds: f64,
    /// Documents indexed per second of the whole run.
    pub docs_per_second: f64,
}

/// Number of candidate files, known before parsing starts (sizes a progress bar).
pub type OnStart<'a> = &'a (dyn Fn(usize) + Sync);

/// Runs one ingest. Per-file problems are reported through `on_event` and counted; only
/// problems with the index itself are errors.
pub fn run(
    options: &IngestOptions,
    on_start: OnStart<'_>,
    on_event: &(dyn Fn(Event) + Sync),
) -> Result<IngestReport, Error> {
    let started = Instant::now();
    let root = &options.root;
    if !root.is_dir() {
        return Err(Error::Io {
            path: root.clone(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "not a folder"),
        });
    }
    let linguistics = &options.parse.linguistics;
    let opened = index::open_or_create(&options.index, &linguistics.analyzer)?;
    let writer: IndexWriter<TantivyDocument> = opened
        .index
        .writer(WRITER_MEMORY)
        .map_err(|e| writer_error(&options.index, e))?;
    let root_key = std::fs::canonicalize(root)
        .unwrap_or_else(|_| root.clone())
        .display()
        .to_string();
    let previous = previous_state(&opened.index, &options.index, &root_key)?;

    let found = discover::discover(root, std::slice::from_ref(&options.index));
    let mut report = IngestReport {
        seen: found.candidates.len(),
        skipped: found.skipped,
        rejected: found.problems.len(),
        ..IngestReport::default()
    };
    for (path, reason) in &found.problems {
        on_event(Event::Rejected {
            path: path.clone(),
            reason: reason.clone(),
        });
    }
    on_start(found.candidates.len());
    let batch = Batch {
        options,
        settings: settings_fingerprint(&options.parse),
        previous: &previous,
        writer: &writer,
        fields: opened.fields,
        first_error: Mutex::new(None),
        on_event,
    };
    let tally = batch.index_all(&found.candidates)?;
    tally.add_to(&mut report);
    report.removed = delete_vanished(&writer, opened.fields.id, &previous, &found.candidates);

    if options.strict && report.rejected > 0 {
        // Dropping the writer without committing discards everything this run added.
        return Err(Error::Strict {
            rejected: report.rejected,
        });
    }
    commit(writer, &options.index, &root_key)?;
    state::save_user_entities(&options.index, linguistics.user_entities())?;
    report.total = opened
        .index
        .reader()
        .map(|r| r.searcher().num_docs())
        .map_err(|e| Error::index(&options.index, e))?;
    report.set_timing(started.elapsed().as_secs_f64());
    Ok(report)
}

impl IngestReport {
    fn set_timing(&mut self, seconds: f64) {
        self.seconds = (seconds * 1000.0).round() / 1000.0;
        self.docs_per_second = if seconds > 0.0 {
            self.indexed as f64 / seconds
        } else {
            0.0
        };
    }
}

/// Deletes the documents whose files are gone; returns how many.
fn delete_vanished(
    writer: &IndexWriter<TantivyDocument>,
    id_field: tantivy::schema::Field,
    previous: &HashMap<String, u64>,
    candidates: &[Candidate],
) -> usize {
    let present: HashSet<&str> = candidates.iter().map(|c| c.id.as_str()).collect();
    let mut removed = 0;
    for id in previous.keys() {
        if !present.contains(id.as_str()) {
            writer.delete_term(Term::from_field_text(id_field, id));
            removed += 1;
        }
    }
    removed
}

/// What every file of one run shares while it is read, analysed and handed to the writer.
struct Batch<'a> {
    options: &'a IngestOptions,
    settings: u64,
    previous: &'a HashMap<String, u64>,
    writer: &'a IndexWriter<TantivyDocument>,
    fields: index::Fields,
    /// The writer's first error; the run stops with it after the batch.
    first_error: Mutex<Option<tantivy::TantivyError>>,
    on_event: &'a (dyn Fn(Event) + Sync),
}

impl Batch<'_> {
    fn index_all(self, candidates: &[Candidate]) -> Result<Tally, Error> {
        let tally = candidates
            .par_iter()
            .map(|candidate| self.index_one(candidate))
            .reduce(Tally::default, Tally::add);
        match self.first_error.into_inner().ok().flatten() {
            Some(e) => Err(Error::index(&self.options.index, e)),
            None => Ok(tally),
        }
    }

    /// A bug must cost one file, never the batch: a panic while handling this file is reported
    /// as its rejection and the run goes on.
    fn index_one(&self, candidate: &Candidate) -> Tally {
        let handled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let processed = process(
                candidate,
                self.options,
                self.settings,
                self.previous,
                self.on_event,
            );
            self.write(processed)
        }));
        (self.on_event)(Event::Done);
        handled.unwrap_or_else(|panic| {
            (self.on_event)(Event::Rejected {
                path: discover::display(&candidate.abs),
                reason: format!(
                    "internal error while parsing (a newsidx bug; please report it): {}",
                    panic_message(panic.as_ref())
                ),
            });
            Tally {
                rejected: 1,
                ..Tally::default()
            }
        })
    }

    fn write(&self, processed: Processed) -> Tally {
        match processed {
            Processed::Article(article, fingerprint, warnings) => {
                let f = &self.fields;
                let doc = index::to_document(&article.document, &article.analysis, fingerprint, f);
                self.writer
                    .delete_term(Term::from_field_text(f.id, &article.document.id));
                if let Err(e) = self.writer.add_document(doc)
                    && let Ok(mut slot) = self.first_error.lock()
                {
                    slot.get_or_insert(e);
                }
                Tally {
                    indexed: 1,
                    warnings,
                    ..Tally::default()
                }
            }
            Processed::Unchanged => Tally {
                unchanged: 1,
                ..Tally::default()
            },
            Processed::Rejected => Tally {
                rejected: 1,
                ..Tally::default()
            },
            Processed::NotAnArticle => Tally {
                skipped: 1,
                ..Tally::default()
            },
        }
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}

/// What happened to one file, folded into the run's counts as files finish (a per-file list
/// would grow with the corpus).
#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    indexed: usize,
    unchanged: usize,
    rejected: usize,
    skipped: usize,
    warnings: usize,
}

impl Tally {
    fn add_to(self, report: &mut IngestReport) {
        report.indexed = self.indexed;
        report.unchanged = self.unchanged;
        report.rejected += self.rejected;
        report.skipped += self.skipped;
        report.warnings = self.warnings;
    }

    fn add(self, other: Tally) -> Tally {
        Tally {
            indexed: self.indexed + other.indexed,
            unchanged: self.unchanged + other.unchanged,
            rejected: self.rejected + other.rejected,
            skipped: self.skipped + other.skipped,
            warnings: self.warnings + other.warnings,
        }
    }
}

/// One file after reading and parsing, before it reaches the writer.
enum Processed {
    Article(Box<Article>, u64, usize),
    Unchanged,
    Rejected,
    NotAnArticle,
}

fn process(
    candidate: &Candidate,
    options: &IngestOptions,
    settings: u64,
    previous: &HashMap<String, u64>,
    on_event: &(dyn Fn(Event) + Sync),
) -> Processed {
    let display = discover::display(&candidate.abs);
    let reject = |reason: Rejection| {
        on_event(Event::Rejected {
            path: display.clone(),
            reason: reason.to_string(),
        });
        Processed::Rejected
    };
    let bytes = match crate::read::read_limited(&candidate.abs, options.max_file_size) {
        Ok(bytes) => bytes,
        Err(reason) => return reject(reason),
    };
    let fingerprint = fnv1a(settings, &bytes);
    if previous.get(&candidate.id) == Some(&fingerprint) {
        return Processed::Unchanged;
    }
    match article::parse(
        &candidate.id,
        &display,
        candidate.kind,
        &bytes,
        &options.parse,
    ) {
        Ok(Some(parsed)) => {
            let warnings = parsed.warnings.len();
            for message in parsed.warnings {
                on_event(Event::Warning {
                    path: display.clone(),
                    message,
                });
            }
            Processed::Article(Box::new(parsed.article), fingerprint, warnings)
        }
        Ok(None) => Processed::NotAnArticle,
        Err(reason) => reject(reason),
    }
}

#[derive(Serialize, serde::Deserialize)]
struct CommitPayload {
    root: String,
    format: u32,
}

/// What a previous ingest left: the fingerprints of its documents by id. When they belong to
/// another root every fingerprint is 0, which never matches, so nothing is skipped and every
/// old id counts as gone.
fn previous_state(
    index: &tantivy::Index,
    path: &Path,
    root_key: &str,
) -> Result<HashMap<String, u64>, Error> {
    let fingerprints = state::fingerprints(index).map_err(|e| Error::index(path, e))?;
    let payload = index
        .load_metas()
        .map_err(|e| Error::index(path, e))?
        .payload
        .and_then(|p| serde_json::from_str::<CommitPayload>(&p).ok());
    let same_root = payload.is_some_and(|p| p.root == root_key);
    if same_root {
        return Ok(fingerprints);
    }
    // The index mirrors one folder: ingesting another folder replaces its contents.
    Ok(fingerprints.into_keys().map(|id| (id, 0)).collect())
}

fn commit(
    mut writer: IndexWriter<TantivyDocument>,
    path: &Path,
    root_key: &str,
) -> Result<(), Error> {
    let payload = serde_json::to_string(&CommitPayload {
        root: root_key.to_string(),
        format: index::FORMAT_VERSION,
    })
    .map_err(|e| Error::index(path, e))?;
    let mut prepared = writer.prepare_commit().map_err(|e| Error::index(path, e))?;
    prepared.set_payload(&payload);
    prepared.commit().map_err(|e| Error::index(path, e))?;
    writer
        .wait_merging_threads()
        .map_err(|e| Error::index(path, e))
}

fn writer_error(path: &Path, e: tantivy::TantivyError) -> Error {
    match e {
        tantivy::TantivyError::LockFailure(..) => Error::Locked {
            path: path.to_path_buf(),
        },
        other => Error::index(path, other),
    }
}

/// Folds the settings that change parse results into the fingerprint seed.
fn settings_fingerprint(parse: &ParseOptions) -> u64 {
    let offset = parse.read.default_offset.local_minus_utc().to_le_bytes();
    let mut seed = fnv1a(fnv1a(PIPELINE_VERSION, &offset), crate::VERSION.as_bytes());
    // Another gazetteer or other user entities mean other entities and other segmentation.
    for text in crate::analyse::entities::gazetteer_texts() {
        seed = fnv1a(seed, text.as_bytes());
    }
    // ... and so does another entity model.
    seed = fnv1a(seed, crate::analyse::entities::model_file());
    for entity in parse.linguistics.user_entities() {
        seed = fnv1a(seed, entity.name.as_bytes());
        seed = fnv1a(seed, entity.kind.as_str().as_bytes());
        for alias in &entity.aliases {
            seed = fnv1a(seed, alias.as_bytes());
        }
    }
    seed
}

/// FNV-1a: stable across Rust releases (unlike `DefaultHasher`), which matters because
/// fingerprints are stored in the index and compared by later builds.
fn fnv1a(seed: u64, bytes: &[u8]) -> u64 {
    const PRIME: u64 = 0x0000_0100_0000_01B3;
    let mut hash = 0xcbf2_9ce4_8422_2325 ^ seed;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(PRIME);
    }
    // 0 marks "must re-parse" in `previous_state`.
    hash.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_is_stable_and_seeded() {
        assert_eq!(fnv1a(0, b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(0, b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_ne!(fnv1a(1, b"a"), fnv1a(0, b"a"));
    }
}

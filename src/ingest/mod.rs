//! The orchestrator, the only module where read, analyse and index meet: discover -> read ->
//! analyse (in parallel, [`article`]) -> index (one writer). Built to be run from cron over a
//! folder that keeps changing:
//!
//! - A rerun stats every file and reads only those whose size or mtime changed ([`file`]);
//!   per-file state is kept in the index itself (see `index::state`), so it agrees with the
//!   index after any crash.
//! - Long runs commit a checkpoint every `commit_interval`; a killed run resumes from its last
//!   checkpoint because the next run simply finds those documents unchanged.
//! - `full` re-parses everything and commits once, so readers see the old index until the
//!   new one replaces it in one step.
//! - A run never wipes an index by accident: a missing corpus folder is fatal, deletions over
//!   `max_delete` stop the run before any commit, and the index refuses another root.
//! - Tantivy's writer lock (an OS file lock that dies with its process) keeps one writer.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::Serialize;
use tantivy::{IndexWriter, TantivyDocument, Term};

pub mod article;
mod file;
pub mod settings;
mod writer;

use crate::error::Error;
use crate::index::state::{self, CommitRecord, StateFields};
use crate::index::{self, OpenIndex};
use crate::read::discover::{self, Candidates, Discovery};

pub use article::{Article, ParseOptions, Parsed};
pub use settings::Settings;
pub use writer::{MAX_DOCS_BEFORE_MERGE, WRITER_MEMORY, Wait};

use crate::index::clusters::Assigner;
use file::{Batch, Previous, Tally};

/// Files over this size are rejected unread; news articles are kilobytes, so anything larger is
/// a mis-saved archive or a dump that would only stall the batch.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 32 * 1024 * 1024;

/// Files handed to the parser pool between two looks at the checkpoint clock.
const CHUNK: usize = 256;

/// Articles this run may hold in the near-duplicate assigner's memory (band keys and signature,
/// about 1.7 KB each) before a checkpoint is committed early, so the run's memory stays flat
/// however many files it has; runs without checkpoints (`--full`, `--strict`) hold all of
/// theirs until the end.
const MAX_PENDING_SIGNATURES: usize = 20_000;

/// How many indexed documents one run may delete.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MaxDelete {
    /// A share of the indexed documents, in percent.
    Percent(f64),
    Count(u64),
}

impl Default for MaxDelete {
    fn default() -> Self {
        MaxDelete::Percent(50.0)
    }
}

impl std::fmt::Display for MaxDelete {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MaxDelete::Percent(p) => write!(f, "{p}%"),
            MaxDelete::Count(n) => write!(f, "{n}"),
        }
    }
}

impl MaxDelete {
    fn allows(&self, would: usize, indexed: usize) -> bool {
        match *self {
            MaxDelete::Percent(p) => would as f64 <= indexed as f64 * p / 100.0,
            MaxDelete::Count(n) => would as u64 <= n,
        }
    }
}

#[derive(Clone)]
pub struct IngestOptions {
    pub root: PathBuf,
    pub index: PathBuf,
    pub parse: ParseOptions,
    pub max_file_size: u64,
    /// Any rejection, new or earlier, aborts the run before its only commit.
    pub strict: bool,
    /// Re-read and re-parse every file; one commit at the end.
    pub full: bool,
    /// Allow replacing the contents of an index built from another root.
    pub replace: bool,
    /// Commit a checkpoint at least this often; `None`: only at the end.
    pub commit_interval: Option<Duration>,
    pub max_delete: MaxDelete,
    pub wait: Wait,
}

impl IngestOptions {
    /// The defaults of the command line for `root` and `index`.
    pub fn new(root: impl Into<PathBuf>, index: impl Into<PathBuf>) -> IngestOptions {
        IngestOptions {
            root: root.into(),
            index: index.into(),
            parse: ParseOptions::default(),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            strict: false,
            full: false,
            replace: false,
            commit_interval: Some(Duration::from_secs(60)),
            max_delete: MaxDelete::default(),
            wait: Wait::No,
        }
    }
}

/// Something worth telling the user about while the batch runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A file rejected by this run (new, or changed since it was last rejected).
    Rejected {
        path: String,
        reason: String,
    },
    Warning {
        path: String,
        message: String,
    },
    /// Every file will be re-parsed, and why (`settings changed (entity file)`, `--full`).
    Reparse {
        reason: String,
        files: usize,
    },
    /// A checkpoint was committed after `files_done` of `files` files.
    Checkpoint {
        files_done: usize,
        files: usize,
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
    /// Files whose document is current; not re-parsed.
    pub unchanged: usize,
    /// Files rejected by this run: new, or changed since they were last rejected.
    pub rejected: usize,
    /// `.txt`/extension-less files that turned out not to be articles, and non-article files.
    pub skipped: usize,
    /// Documents deleted (the same count as `deleted`).
    pub removed: usize,
    pub warnings: usize,
    /// Documents in the index after the run.
    pub total: u64,
    pub seconds: f64,
    /// Documents indexed per second of the whole run.
    pub docs_per_second: f64,
    pub added: usize,
    pub updated: usize,
    /// Documents whose files are gone (or are no longer articles).
    pub deleted: usize,
    /// Files still rejected as before, unchanged since; not read again.
    pub rejected_earlier: usize,
    /// Checkpoints committed before the final commit.
    pub checkpoints: usize,
    /// The previous run was killed or failed after a checkpoint; this one carried on from it.
    pub resumed: bool,
    /// Why every file was re-parsed, if it was.
    pub reparse_reason: Option<String>,
}

/// Number of candidate files, known before parsing starts (sizes a progress bar).
pub type OnStart<'a> = &'a (dyn Fn(usize) + Sync);

/// Runs one ingest. Per-file problems are reported through `on_event` and counted; only
/// problems with the corpus folder or the index are errors.
pub fn run(
    options: &IngestOptions,
    on_start: OnStart<'_>,
    on_event: &(dyn Fn(Event) + Sync),
) -> Result<IngestReport, Error> {
    let started = Instant::now();
    let root_key = corpus_root(&options.root)?;
    let linguistics = &options.parse.linguistics;
    let opened = index::open_or_create(&options.index, &linguistics.analyzer)?;
    let writer = writer::acquire(&opened.index, &options.index, options.wait)?;
    let settings = Settings::of(&options.parse);
    let mut plan = Plan::new(options, &opened, &root_key, &settings)?;
    let found = discover::discover(&options.root, std::slice::from_ref(&options.index));
    let mut report = plan.start(&found, &writer)?;
    for (path, reason) in &found.problems {
        on_event(Event::Rejected {
            path: path.clone(),
            reason: reason.clone(),
        });
    }
    if let Some(reason) = &report.reparse_reason {
        on_event(Event::Reparse {
            reason: reason.clone(),
            files: found.candidates.len(),
        });
    }
    on_start(found.candidates.len());
    let run = Running {
        options,
        opened: &opened,
        settings: &settings,
        plan: &plan,
        on_event,
    };
    let (tally, checkpoints, writer) = run.index_all(writer, &found.candidates)?;
    report.checkpoints = checkpoints;
    add_tally(&mut report, tally);
    if options.strict && report.rejected + report.rejected_earlier > 0 {
        // Dropping the writer without committing discards everything this run added.
        return Err(Error::Strict {
            rejected: report.rejected + report.rejected_earlier,
        });
    }
    report.total = run.finish(writer, tally.wrote() || plan.vanished > 0)?;
    report.set_timing(started.elapsed().as_secs_f64());
    Ok(report)
}

/// The canonical corpus root. A missing or unreadable folder stops the run before anything
/// is deleted on its account (an unmounted volume must not empty the index).
fn corpus_root(root: &Path) -> Result<String, Error> {
    let corpus = |source| Error::Corpus {
        path: root.to_path_buf(),
        source,
    };
    let canonical = std::fs::canonicalize(root).map_err(corpus)?;
    if !canonical.is_dir() {
        return Err(corpus(std::io::Error::new(
            std::io::ErrorKind::NotADirectory,
            "not a folder",
        )));
    }
    std::fs::read_dir(&canonical).map_err(corpus)?;
    Ok(canonical.display().to_string())
}

/// What the run starts from and what its commits record.
struct Plan {
    previous: Previous,
    /// The record each commit writes; its `files` are kept in `entries` while the run goes.
    record: CommitRecord,
    /// The record of the last commit, to skip a final commit that would change nothing.
    last: Option<CommitRecord>,
    entries: Mutex<BTreeMap<String, state::FileEntry>>,
    /// Every file is re-read and re-parsed; no checkpoints.
    full: bool,
    /// `--replace`: every old document goes.
    replace: bool,
    vanished: usize,
    index_path: PathBuf,
    max_delete: MaxDelete,
}

impl Plan {
    fn new(
        options: &IngestOptions,
        opened: &OpenIndex,
        root_key: &str,
        settings: &Settings,
    ) -> Result<Plan, Error> {
        let path = &options.index;
        let docs = state::documents(&opened.index).map_err(|e| Error::index(path, e))?;
        let last = state::load_record(&opened.index).map_err(|e| Error::index(path, e))?;
        let other_root = last.as_ref().is_some_and(|r| r.root != root_key) && !docs.is_empty();
        if other_root && !options.replace {
            return Err(Error::OtherRoot {
                path: path.clone(),
                recorded: last.map(|r| r.root).unwrap_or_default(),
                given: root_key.to_string(),
            });
        }
        let record = CommitRecord {
            format: index::FORMAT_VERSION,
            root: root_key.to_string(),
            settings: settings.parts.clone(),
            complete: false,
            files: BTreeMap::new(),
        };
        Ok(Plan {
            previous: Previous {
                docs,
                files: last.as_ref().map(|r| r.files.clone()).unwrap_or_default(),
            },
            record,
            last,
            entries: Mutex::new(BTreeMap::new()),
            full: options.full || other_root,
            replace: other_root,
            vanished: 0,
            index_path: path.clone(),
            max_delete: options.max_delete,
        })
    }

    /// Settles what the walk found against the last commit: why everything is re-parsed (if
    /// it is), the `--max-delete` check, and the deletes of vanished files.
    fn start(
        &mut self,
        found: &Discovery,
        writer: &IndexWriter<TantivyDocument>,
    ) -> Result<IngestReport, Error> {
        let reason = self.reparse_reason();
        // Only files the last commit knows can vanish; a first run needs no set of ids.
        let first_run = self.previous.docs.is_empty() && self.previous.files.is_empty();
        let present: HashSet<&str> = match first_run {
            true => HashSet::new(),
            false => found.candidates.ids().collect(),
        };
        let unwalked = unwalked_prefixes(Path::new(&self.record.root), &found.problems);
        let kept = |id: &str| present.contains(id) || unwalked.iter().any(|p| under(id, p));
        let vanished: Vec<&String> = if self.replace {
            self.previous.docs.keys().collect()
        } else {
            self.previous.docs.keys().filter(|id| !kept(id)).collect()
        };
        self.vanished = vanished.len();
        let indexed = self.previous.docs.len();
        if !self.replace && !self.max_delete.allows(self.vanished, indexed) {
            return Err(Error::TooManyDeletes {
                path: self.index_path.clone(),
                would: self.vanished,
                indexed,
                limit: self.max_delete.to_string(),
            });
        }
        let mut files = std::mem::take(&mut self.previous.files);
        if reason.is_some() && !self.full {
            files.clear();
        }
        files.retain(|id, _| !self.replace && kept(id));
        if let Ok(mut entries) = self.entries.lock() {
            entries.clone_from(&files);
        }
        self.previous.files = files;
        if self.replace {
            writer
                .delete_all_documents()
                .map_err(|e| Error::index(&self.index_path, e))?;
            self.previous.docs.clear();
        } else {
            let id_field = writer.index().schema().get_field("id");
            if let Ok(id_field) = id_field {
                for id in &vanished {
                    writer.delete_term(Term::from_field_text(id_field, id));
                }
            }
        }
        Ok(IngestReport {
            seen: found.candidates.len(),
            skipped: found.skipped,
            rejected: found.problems.len(),
            deleted: self.vanished,
            resumed: self.last.as_ref().is_some_and(|r| !r.complete),
            reparse_reason: reason,
            ..IngestReport::default()
        })
    }

    /// `--replace`, `--full`, or the names of the settings that changed since the last
    /// commit; `None` when files are re-parsed only as they change.
    fn reparse_reason(&self) -> Option<String> {
        if self.replace {
            return Some("--replace".to_string());
        }
        if self.full {
            return Some("--full".to_string());
        }
        let had_files = !self.previous.docs.is_empty() || !self.previous.files.is_empty();
        let recorded = self.last.as_ref().map(|r| &r.settings)?;
        let changed = (had_files).then(|| changed_names(&self.record.settings, recorded))?;
        (!changed.is_empty()).then(|| format!("settings changed ({})", changed.join(", ")))
    }

    /// The record to commit, with the entries as they stand.
    fn record(&self, complete: bool) -> CommitRecord {
        let mut record = self.record.clone();
        record.complete = complete;
        if let Ok(entries) = self.entries.lock() {
            record.files = entries.clone();
        }
        record
    }
}

fn changed_names(
    current: &BTreeMap<String, String>,
    recorded: &BTreeMap<String, String>,
) -> Vec<String> {
    let settings = Settings {
        parts: current.clone(),
        hash: 0,
    };
    settings
        .changed_since(recorded)
        .into_iter()
        .map(String::from)
        .collect()
}

/// Ids under `prefix` (a relative folder path).
fn under(id: &str, prefix: &str) -> bool {
    prefix.is_empty()
        || id
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Folders the walk could not enter, relative to the root: the documents under them are kept
/// (their files were not seen, not found gone).
fn unwalked_prefixes(root: &Path, problems: &[(String, String)]) -> Vec<String> {
    let root = discover::display(root);
    problems
        .iter()
        .filter_map(|(path, _)| {
            let canonical = std::fs::canonicalize(path)
                .map(|p| discover::display(&p))
                .unwrap_or_else(|_| path.clone());
            canonical
                .strip_prefix(&root)
                .map(|rest| rest.trim_start_matches('/').to_string())
        })
        .collect()
}

/// The run once planned: chunks through the parser pool, checkpoints between them.
struct Running<'a> {
    options: &'a IngestOptions,
    opened: &'a OpenIndex,
    settings: &'a Settings,
    plan: &'a Plan,
    on_event: &'a (dyn Fn(Event) + Sync),
}

impl Running<'_> {
    /// Parses and writes every candidate, committing a checkpoint whenever the interval has
    /// passed since the last commit (never under `--full` or `--strict`, which commit once).
    fn index_all(
        &self,
        mut writer: IndexWriter<TantivyDocument>,
        candidates: &Candidates,
    ) -> Result<(Tally, usize, IndexWriter<TantivyDocument>), Error> {
        let path = &self.options.index;
        let interval = self
            .options
            .commit_interval
            .filter(|_| !self.plan.full && !self.options.strict);
        let state_fields =
            StateFields::resolve(&self.opened.index).map_err(|e| Error::index(path, e))?;
        let first_error = Mutex::new(None);
        let mut tally = Tally::default();
        let mut checkpoints = 0;
        let mut last_commit = Instant::now();
        let mut clusters = self.cluster_assigner()?;
        for start in (0..candidates.len()).step_by(CHUNK) {
            let end = candidates.len().min(start + CHUNK);
            let batch = Batch {
                options: self.options,
                settings: self.settings,
                previous: &self.plan.previous,
                full: self.plan.full,
                writer: &writer,
                fields: self.opened.fields,
                state_fields,
                entries: &self.plan.entries,
                first_error: &first_error,
                on_event: self.on_event,
                clusters: &clusters,
            };
            let part = (start..end)
                .into_par_iter()
                .filter_map(|i| candidates.get(i))
                .map(|c| batch.handle(&c))
                .reduce(Tally::default, Tally::add);
            tally = tally.add(part);
            if let Some(e) = first_error.lock().ok().and_then(|mut e| e.take()) {
                return Err(Error::index(path, writer::cause(&mut writer, e)));
            }
            let due = interval.is_some_and(|i| {
                last_commit.elapsed() >= i || clusters.pending() >= MAX_PENDING_SIGNATURES
            });
            if due && end < candidates.len() {
                writer::commit(&mut writer, path, &self.plan.record(false))?;
                self.save_user_entities()?;
                // What this run wrote is now committed and found through the index; the
                // assigner's in-memory table of it starts empty again.
                clusters = self.cluster_assigner()?;
                checkpoints += 1;
                last_commit = Instant::now();
                (self.on_event)(Event::Checkpoint {
                    files_done: end,
                    files: candidates.len(),
                });
            }
        }
        Ok((tally, checkpoints, writer))
    }

    /// Near-duplicate assignment against the last commit (see `index::clusters`).
    fn cluster_assigner(&self) -> Result<Assigner, Error> {
        let searcher = self.committed()?;
        let committed = (searcher.num_docs() > 0).then_some(searcher);
        Ok(Assigner::new(committed, &self.opened.fields))
    }

    /// The final commit (skipped when it would change nothing), then the document count.
    fn finish(&self, mut writer: IndexWriter<TantivyDocument>, wrote: bool) -> Result<u64, Error> {
        let path = &self.options.index;
        let record = self.plan.record(true);
        let committing = wrote || self.plan.last.as_ref() != Some(&record);
        if committing {
            writer::commit(&mut writer, path, &record)?;
            self.save_user_entities()?;
            writer::finish(writer, path)?;
        }
        // The dictionary searches cut queries with: written when the index has none made from
        // this run's inputs (its key covers the version, the gazetteer and the user files) in
        // the current layout, or a damaged one; kept otherwise, since the same inputs give the
        // same file. Only a speed-up: when it cannot be written (a full disk), searches build
        // the full dictionary instead, and the run still stands.
        let _ = state::save_query_dictionary(path, &self.options.parse.linguistics);
        Ok(self.committed()?.num_docs())
    }

    /// A searcher over the last commit, as it is now (not reloaded behind our back).
    fn committed(&self) -> Result<tantivy::Searcher, Error> {
        let reader: tantivy::IndexReader = self
            .opened
            .index
            .reader_builder()
            .reload_policy(tantivy::ReloadPolicy::Manual)
            .try_into()
            .map_err(|e: tantivy::TantivyError| Error::index(&self.options.index, e))?;
        Ok(reader.searcher())
    }

    fn save_user_entities(&self) -> Result<(), Error> {
        let linguistics = &self.options.parse.linguistics;
        state::save_user_entities(&self.options.index, linguistics.user_entities())?;
        state::save_user_dictionary(&self.options.index, linguistics.user_words())
    }
}

fn add_tally(report: &mut IngestReport, tally: Tally) {
    report.added = tally.added;
    report.updated = tally.updated;
    report.indexed = tally.added + tally.updated;
    report.unchanged = tally.unchanged;
    report.rejected += tally.rejected;
    report.rejected_earlier = tally.rejected_earlier;
    report.skipped += tally.skipped;
    report.deleted += tally.deleted;
    report.removed = report.deleted;
    report.warnings = tally.warnings;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_delete_share_and_count() {
        let half = MaxDelete::default();
        assert!(half.allows(5, 10));
        assert!(!half.allows(6, 10));
        assert!(half.allows(0, 0));
        assert!(MaxDelete::Count(3).allows(3, 4));
        assert!(!MaxDelete::Count(3).allows(4, 100));
        assert_eq!(half.to_string(), "50%");
        assert_eq!(MaxDelete::Count(1000).to_string(), "1000");
    }

    #[test]
    fn prefixes_match_whole_folder_names() {
        assert!(under("a/b.md", "a"));
        assert!(!under("ab/c.md", "a"));
        assert!(under("x.md", ""));
    }
}

//! One file of a batch: decide from its stat whether it can have changed, read and hash it
//! only when it can, parse it only when its bytes (or the settings) differ from what the index
//! holds, and hand the result to the writer. A document is replaced by a delete and an add
//! issued together, so any commit holds wholly the old or wholly the new version.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use tantivy::{IndexWriter, TantivyDocument, Term};

use super::article::{self, Parsed};
use super::settings::{Settings, fnv1a};
use super::{Event, IngestOptions};
use crate::analyse::neardup::Signature;
use crate::error::Rejection;
use crate::index::clusters::{self, Assigner};
use crate::index::state::{DocState, FileEntry, Outcome, Stat, StateFields};
use crate::index::{self, Fields};
use crate::read::discover::{self, Candidate};
use crate::stages::{self, Stage};

/// What happened to the files of a batch, folded as they finish (a per-file list would grow
/// with the corpus).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub rejected: usize,
    pub rejected_earlier: usize,
    pub skipped: usize,
    /// Documents removed because their file is no longer an article.
    pub deleted: usize,
    pub warnings: usize,
}

impl Tally {
    pub fn add(self, o: Tally) -> Tally {
        Tally {
            added: self.added + o.added,
            updated: self.updated + o.updated,
            unchanged: self.unchanged + o.unchanged,
            rejected: self.rejected + o.rejected,
            rejected_earlier: self.rejected_earlier + o.rejected_earlier,
            skipped: self.skipped + o.skipped,
            deleted: self.deleted + o.deleted,
            warnings: self.warnings + o.warnings,
        }
    }

    /// Whether this tally sent anything to the writer.
    pub fn wrote(&self) -> bool {
        self.added + self.updated + self.deleted > 0
    }

    fn one(set: impl FnOnce(&mut Tally)) -> Tally {
        let mut t = Tally::default();
        set(&mut t);
        t
    }
}

/// What the last commit knew: documents by id, and payload entries for files without a
/// current document stat.
#[derive(Debug, Default)]
pub struct Previous {
    pub docs: HashMap<String, DocState>,
    pub files: BTreeMap<String, FileEntry>,
}

/// What every file of one run shares.
pub struct Batch<'a> {
    pub options: &'a IngestOptions,
    pub settings: &'a Settings,
    pub previous: &'a Previous,
    /// Re-read and re-parse every file (`--full`, `--replace`).
    pub full: bool,
    pub writer: &'a IndexWriter<TantivyDocument>,
    pub fields: Fields,
    pub state_fields: StateFields,
    /// The payload entries the next commit records.
    pub entries: &'a Mutex<BTreeMap<String, FileEntry>>,
    /// The writer's first error; the run stops with it after the current chunk.
    pub first_error: &'a Mutex<Option<tantivy::TantivyError>>,
    pub on_event: &'a (dyn Fn(Event) + Sync),
    /// Near-duplicate cluster assignment for this run.
    pub clusters: &'a Assigner,
}

impl Batch<'_> {
    /// A bug must cost one file, never the batch: a panic while handling this file is reported
    /// as its rejection and the run goes on.
    pub fn handle(&self, candidate: &Candidate) -> Tally {
        let handled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.handle_unguarded(candidate)
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
            Tally::one(|t| t.rejected = 1)
        })
    }

    fn handle_unguarded(&self, candidate: &Candidate) -> Tally {
        let stat = Stat::of(&candidate.abs).ok();
        let doc = self.previous.docs.get(&candidate.id);
        let entry = self.previous.files.get(&candidate.id);
        if !self.full
            && let Some(stat) = stat
            && let Some(known) = self.known(&candidate.id, stat, doc, entry)
        {
            return known;
        }
        let stat = stat.unwrap_or_default();
        let read = stages::timed(Stage::ReadDecode, || {
            crate::read::read_limited(&candidate.abs, self.options.max_file_size)
                .map(|bytes| (fnv1a(self.settings.hash, &bytes), bytes))
        });
        let (fingerprint, bytes) = match read {
            Ok(read) => read,
            Err(reason) => return self.reject(candidate, stat, 0, reason),
        };
        if !self.full
            && let Some(same) = self.same_bytes(&candidate.id, stat, fingerprint, doc, entry)
        {
            return same;
        }
        let display = discover::display(&candidate.abs);
        let parse = &self.options.parse;
        let state = DocState {
            stat,
            fingerprint,
            settings: self.settings.hash,
        };
        match article::parse(&candidate.id, &display, candidate.kind, &bytes, parse) {
            Ok(Some(parsed)) => self.index(&display, parsed, &state, doc.is_some()),
            Ok(None) => self.not_an_article(&candidate.id, &state, doc.is_some()),
            Err(reason) => self.reject(candidate, stat, fingerprint, reason),
        }
    }

    /// The outcome when the stat alone shows the file is as the last commit knew it.
    fn known(
        &self,
        id: &str,
        stat: Stat,
        doc: Option<&DocState>,
        entry: Option<&FileEntry>,
    ) -> Option<Tally> {
        let current = |d: &&DocState| d.settings == self.settings.hash;
        if let Some(e) = entry.filter(|e| e.stat() == stat) {
            return match e.outcome {
                Outcome::Indexed => doc
                    .filter(current)
                    .filter(|d| d.fingerprint == e.hash)
                    .map(|_| Tally::one(|t| t.unchanged = 1)),
                Outcome::Rejected => Some(Tally::one(|t| t.rejected_earlier = 1)),
                Outcome::Skipped => Some(Tally::one(|t| t.skipped = 1)),
            };
        }
        doc.filter(current).filter(|d| d.stat == stat)?;
        // The file is back to the bytes of its document: an entry about later bytes is stale.
        if entry.is_some() {
            self.forget(id);
        }
        Some(Tally::one(|t| t.unchanged = 1))
    }

    /// The outcome when the bytes were read and hash like what the last commit knew.
    fn same_bytes(
        &self,
        id: &str,
        stat: Stat,
        fingerprint: u64,
        doc: Option<&DocState>,
        entry: Option<&FileEntry>,
    ) -> Option<Tally> {
        if let Some(d) = doc.filter(|d| d.fingerprint == fingerprint) {
            // Touched, not changed: the document stands; remember the newer stat.
            if d.stat == stat {
                self.forget(id);
            } else {
                self.remember(id, stat, fingerprint, Outcome::Indexed);
            }
            return Some(Tally::one(|t| t.unchanged = 1));
        }
        let e = entry.filter(|e| e.hash == fingerprint && e.outcome != Outcome::Indexed)?;
        self.remember(id, stat, fingerprint, e.outcome);
        Some(match e.outcome {
            Outcome::Skipped => Tally::one(|t| t.skipped = 1),
            _ => Tally::one(|t| t.rejected_earlier = 1),
        })
    }

    fn index(&self, display: &str, parsed: Parsed, state: &DocState, existed: bool) -> Tally {
        let warnings = parsed.warnings.len();
        for message in parsed.warnings {
            (self.on_event)(Event::Warning {
                path: display.to_string(),
                message,
            });
        }
        let article = parsed.article;
        let id = &article.document.id;
        let mut doc = stages::timed(Stage::Convert, || {
            let mut doc = index::to_document(
                &article.document,
                &article.analysis,
                state.fingerprint,
                &self.fields,
            );
            self.state_fields.stamp(&mut doc, state);
            doc
        });
        stages::timed(Stage::NearDup, || {
            let signature = Signature::of(&article.document.body);
            let cluster = self.clusters.assign(id, signature.as_ref());
            clusters::stamp(&mut doc, signature.as_ref(), cluster, &self.fields);
        });
        // Only a document the last commit holds needs deleting: a delete of an id no segment
        // has still costs a term lookup in every segment at each commit.
        if existed {
            self.writer
                .delete_term(Term::from_field_text(self.fields.id, id));
        }
        if let Err(e) = self.writer.add_document(doc)
            && let Ok(mut slot) = self.first_error.lock()
        {
            slot.get_or_insert(e);
        }
        self.forget(id);
        Tally::one(|t| {
            if existed {
                t.updated = 1;
            } else {
                t.added = 1;
            }
            t.warnings = warnings;
        })
    }

    /// A `.txt` or extension-less file without front matter or HTML: nothing to index; a
    /// document it had while it was an article goes.
    fn not_an_article(&self, id: &str, state: &DocState, existed: bool) -> Tally {
        self.remember(id, state.stat, state.fingerprint, Outcome::Skipped);
        if existed {
            self.writer
                .delete_term(Term::from_field_text(self.fields.id, id));
        }
        Tally::one(|t| {
            t.skipped = 1;
            t.deleted = usize::from(existed);
        })
    }

    /// Reports the file and records it; its previous document, if any, stays.
    fn reject(&self, candidate: &Candidate, stat: Stat, hash: u64, reason: Rejection) -> Tally {
        (self.on_event)(Event::Rejected {
            path: discover::display(&candidate.abs),
            reason: reason.to_string(),
        });
        self.remember(&candidate.id, stat, hash, Outcome::Rejected);
        Tally::one(|t| t.rejected = 1)
    }

    fn remember(&self, id: &str, stat: Stat, hash: u64, outcome: Outcome) {
        let entry = FileEntry {
            size: stat.size,
            mtime_ns: stat.mtime_ns,
            hash,
            outcome,
        };
        if let Ok(mut entries) = self.entries.lock() {
            entries.insert(id.to_string(), entry);
        }
    }

    fn forget(&self, id: &str) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(id);
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

//! The dictionary a long-running searcher cuts queries with, kept in step with its index.
//!
//! An index records the user entities and dictionary it was built with and its merged query
//! dictionary (`index::state`). An ingest with other user entities rewrites those records next
//! to its commit; a `serve` that kept the dictionary it started with would go on cutting
//! queries as before (a new entity name split in two, its alias not expanded) while its reader
//! already showed the new documents. So whenever the reader shows a new generation, and at
//! most once a [`RECHECK`] otherwise (ingest writes the records just after its commit and the
//! merged dictionary after its merges), the records' sizes and modification times are
//! compared with those loaded; a change loads the dictionary again and registers its
//! tokenizers on the index. A request costs a lock and, now and then, three `stat` calls.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use tantivy::Index;

use crate::analyse::{Linguistics, text};
use crate::error::Error;
use crate::index::state;

/// How often the records are looked at while the generation stays the same.
pub const RECHECK: Duration = Duration::from_secs(1);

/// Size and modification time of each record file (`None`: absent or unreadable).
type Stamp = [Option<(u64, SystemTime)>; 3];

/// The records of the index at `path` as they are on disk now.
fn stamp(path: &Path) -> Stamp {
    let of = |file: PathBuf| {
        let meta = std::fs::metadata(file).ok()?;
        Some((meta.len(), meta.modified().ok()?))
    };
    [
        of(state::user_entities_path(path)),
        of(state::user_dictionary_path(path)),
        of(state::query_dictionary_path(path)),
    ]
}

struct Loaded {
    linguistics: Arc<Linguistics>,
    stamp: Stamp,
    generation: Option<u64>,
    checked: Instant,
}

/// A searcher's dictionary: fixed (an index opened elsewhere), or followed on disk.
pub(crate) struct LiveLinguistics {
    /// The index folder whose records are followed; `None` keeps the dictionary fixed.
    path: Option<PathBuf>,
    loaded: Mutex<Loaded>,
}

impl LiveLinguistics {
    /// A dictionary that never changes.
    pub fn fixed(linguistics: Arc<Linguistics>) -> LiveLinguistics {
        LiveLinguistics {
            path: None,
            loaded: Mutex::new(Loaded {
                linguistics,
                stamp: Default::default(),
                generation: None,
                checked: Instant::now(),
            }),
        }
    }

    /// The dictionary of the index at `path`, followed from now on.
    pub fn open(path: &Path) -> Result<LiveLinguistics, Error> {
        // Stamped before reading: a record rewritten meanwhile is read again at the next check.
        let stamp = stamp(path);
        let linguistics = state::linguistics_for(path)?;
        Ok(LiveLinguistics {
            path: Some(path.to_path_buf()),
            loaded: Mutex::new(Loaded {
                linguistics,
                stamp,
                generation: None,
                checked: Instant::now(),
            }),
        })
    }

    /// The dictionary loaded last, without looking at the records.
    pub fn loaded(&self) -> Arc<Linguistics> {
        Arc::clone(&self.lock().linguistics)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Loaded> {
        match self.loaded.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// The dictionary to use for a search over reader generation `generation`, reloaded first
    /// when the records changed. A reload that fails keeps the previous dictionary (and is
    /// tried again at the next check).
    pub fn current(&self, generation: u64, index: &Index) -> Arc<Linguistics> {
        let mut loaded = self.lock();
        let Some(path) = &self.path else {
            return Arc::clone(&loaded.linguistics);
        };
        let fresh = loaded.generation == Some(generation) && loaded.checked.elapsed() < RECHECK;
        if !fresh {
            loaded.generation = Some(generation);
            loaded.checked = Instant::now();
            let now = stamp(path);
            if now != loaded.stamp
                && let Ok(linguistics) = state::linguistics_for(path)
            {
                text::register(index, &linguistics.analyzer);
                loaded.linguistics = linguistics;
                loaded.stamp = now;
            }
        }
        Arc::clone(&loaded.linguistics)
    }
}

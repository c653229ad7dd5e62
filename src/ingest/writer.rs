//! The index writer of one ingest: taking tantivy's writer lock (an OS file lock, released by
//! the kernel when its process dies, so a SIGKILLed run never blocks the next), clearing what a
//! killed run left behind, and commits that carry the [`CommitRecord`].

use std::path::Path;
use std::time::{Duration, Instant};

use tantivy::directory::error::LockError;
use tantivy::merge_policy::LogMergePolicy;
use tantivy::{Index, IndexWriter, TantivyDocument, TantivyError};

use crate::error::Error;
use crate::index::state::CommitRecord;
use crate::stages::{self, Stage};

/// Memory for tantivy's indexing buffers, shared by its indexing threads (one per core, at
/// most 8): each thread writes a segment when its share fills. With 2 cores that is 64 MB a
/// thread, about 3,000 articles of 4 KB per segment; a larger budget makes fewer segments to
/// merge but raises the peak RSS by the same amount, and ingest must stay under 400 MB.
pub const WRITER_MEMORY: usize = 128 * 1024 * 1024;

/// Segments of this many documents or more are never merged again. Tantivy's default merges
/// eight segments of one size class into one without limit, so at a million articles a merge
/// would read eight 100,000-article segments: its heap and the segment files it maps (counted
/// in RSS) grow with the index. With the bound only segments under it merge, eight at a time:
/// the ~3,400-article segments the budget writes become one of ~27,000 that stays, and a
/// million generated articles ended in 50 segments (README, "A million articles").
pub const MAX_DOCS_BEFORE_MERGE: usize = 10_000;

/// How often a waiting run tries the lock again.
const POLL: Duration = Duration::from_millis(100);

/// What to do when another ingest holds the lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Wait {
    /// Give up at once (exit 75).
    #[default]
    No,
    /// Poll until the lock is free.
    Forever,
    /// Poll for at most this long, then give up (exit 75).
    For(Duration),
}

/// Takes the writer lock, waiting as `wait` says, then removes files orphaned by a killed run.
pub fn acquire(
    index: &Index,
    path: &Path,
    wait: Wait,
) -> Result<IndexWriter<TantivyDocument>, Error> {
    let started = Instant::now();
    let writer = loop {
        match index.writer(WRITER_MEMORY) {
            Ok(writer) => break writer,
            Err(TantivyError::LockFailure(LockError::LockBusy, _)) => {
                let gave_up = match wait {
                    Wait::No => true,
                    Wait::Forever => false,
                    Wait::For(limit) => started.elapsed() >= limit,
                };
                if gave_up {
                    return Err(Error::Locked {
                        path: path.to_path_buf(),
                    });
                }
                std::thread::sleep(POLL);
            }
            Err(e) => return Err(Error::index(path, e)),
        }
    };
    let mut merges = LogMergePolicy::default();
    merges.set_max_docs_before_merge(MAX_DOCS_BEFORE_MERGE);
    writer.set_merge_policy(Box::new(merges));
    collect_garbage(&writer, path)?;
    Ok(writer)
}

/// Segment files a killed run wrote are listed in tantivy's managed-file record but in no
/// commit: its garbage collector removes them. A kill between creating and renaming the
/// temporary file of an atomic write leaves a `.tmp*` file nobody records; with the writer
/// lock held nobody else can be writing one, so those go too.
fn collect_garbage(writer: &IndexWriter<TantivyDocument>, path: &Path) -> Result<(), Error> {
    writer
        .garbage_collect_files()
        .wait()
        .map_err(|e| Error::index(path, e))?;
    let Ok(entries) = std::fs::read_dir(path) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let orphan = name.as_encoded_bytes().starts_with(b".tmp")
            || name.as_encoded_bytes().ends_with(b".tsv.tmp");
        if orphan && entry.file_type().is_ok_and(|t| t.is_file()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    Ok(())
}

/// Commits everything added and deleted so far, with `record` as the payload: the documents
/// and the record become visible together, or (killed before) not at all.
pub fn commit(
    writer: &mut IndexWriter<TantivyDocument>,
    path: &Path,
    record: &CommitRecord,
) -> Result<(), Error> {
    let payload = serde_json::to_string(record).map_err(|e| Error::index(path, e))?;
    stages::timed(Stage::Commit, || {
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&payload);
        prepared.commit()
    })
    .map_err(|e| Error::index(path, e))?;
    Ok(())
}

/// Lets background merges finish (they would be abandoned, harmlessly, on drop).
pub fn finish(writer: IndexWriter<TantivyDocument>, path: &Path) -> Result<(), Error> {
    stages::timed(Stage::Commit, || writer.wait_merging_threads())
        .map_err(|e| Error::index(path, e))
}

/// The error that stopped the writer. When an indexing thread fails (a full disk, an index
/// folder that became unwritable), `add_document` only says the writer was killed; joining the
/// threads, as preparing a commit does, yields the thread's own error with the OS's words.
pub fn cause(writer: &mut IndexWriter<TantivyDocument>, seen: TantivyError) -> TantivyError {
    match writer.prepare_commit() {
        // Dropped unused: a prepared commit that is never committed changes nothing.
        Ok(_) => seen,
        Err(e) => e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::merge_policy::MergePolicy;
    use tantivy::schema::{STORED, Schema};

    /// The writer `acquire` gives merges eight small segments, but never eight of the size
    /// such merges make (tantivy's default would).
    #[test]
    fn merged_segments_are_not_merged_again() {
        let dir = tempfile::tempdir().unwrap();
        let mut schema = Schema::builder();
        schema.add_text_field("t", STORED);
        let index = Index::create_in_dir(dir.path(), schema.build()).unwrap();
        let writer = acquire(&index, dir.path(), Wait::No).unwrap();
        let policy = writer.get_merge_policy();
        let segments = |docs: u32| -> Vec<_> {
            (0..8)
                .map(|_| index.new_segment_meta(index.new_segment().id(), docs))
                .collect()
        };
        let small = policy.compute_merge_candidates(&segments(3_400));
        assert_eq!(small.len(), 1);
        assert_eq!(small[0].0.len(), 8);
        assert!(
            policy
                .compute_merge_candidates(&segments(27_000))
                .is_empty()
        );
        let default = LogMergePolicy::default();
        assert_eq!(default.compute_merge_candidates(&segments(27_000)).len(), 1);
    }
}

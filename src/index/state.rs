//! What a previous ingest left in the index folder, and the record the next one reads.
//!
//! Per-file state lives where a crash cannot separate it from the index: a file that has a
//! document carries its size, mtime, fingerprint and parse settings in that document's fast
//! fields; every other file seen (rejected, not an article, or indexed but touched since) has
//! an entry in the commit payload ([`CommitRecord`]), which tantivy writes atomically with
//! each commit's `meta.json`. Both change only at a commit, together. The folder also holds
//! the user entities the index was built with.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tantivy::schema::Field;
use tantivy::{Index, TantivyDocument};

use crate::analyse::dictionary::UserWord;
use crate::analyse::entities::UserEntity;
use crate::analyse::query_dictionary::QueryDictionary;
use crate::analyse::{Linguistics, linguistics};
use crate::error::Error;
use crate::index::term_table::TermTable;

/// Where an index keeps the user entities it was built with, so searches segment queries with
/// the same dictionary.
pub fn user_entities_path(index: &Path) -> PathBuf {
    index.join("newsidx-entities.tsv")
}

/// Records the user entities next to the index (atomically: temp file, then rename); removes
/// the record when there are none.
pub fn save_user_entities(index: &Path, user: &[UserEntity]) -> Result<(), Error> {
    let path = user_entities_path(index);
    let io = |source| Error::Io {
        path: path.clone(),
        source,
    };
    if user.is_empty() {
        return match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io(e)),
            _ => Ok(()),
        };
    }
    let mut text =
        String::from("# user entities this index was built with (written by newsidx ingest)\n");
    for e in user {
        text.push_str(&format!("{}\t{}", e.name, e.kind.as_str()));
        if !e.aliases.is_empty() {
            text.push('\t');
            text.push_str(&e.aliases.join(","));
        }
        text.push('\n');
    }
    let tmp = path.with_extension("tsv.tmp");
    std::fs::write(&tmp, text).map_err(io)?;
    std::fs::rename(&tmp, &path).map_err(io)
}

/// Where an index keeps the user dictionary it was built with.
pub fn user_dictionary_path(index: &Path) -> PathBuf {
    index.join("newsidx-dict.txt")
}

/// Records the user dictionary next to the index (temp file, then rename); removes the record
/// when there is none.
pub fn save_user_dictionary(index: &Path, words: &[UserWord]) -> Result<(), Error> {
    let path = user_dictionary_path(index);
    let io = |source| Error::Io {
        path: path.clone(),
        source,
    };
    if words.is_empty() {
        return match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io(e)),
            _ => Ok(()),
        };
    }
    let mut text =
        String::from("# user dictionary this index was built with (written by newsidx ingest)\n");
    for w in words {
        text.push_str(&w.word);
        if let Some(freq) = w.freq {
            text.push_str(&format!(" {freq}"));
        }
        if let Some(tag) = &w.tag {
            text.push_str(&format!(" {tag}"));
        }
        text.push('\n');
    }
    let tmp = path.with_extension("txt.tmp");
    std::fs::write(&tmp, text).map_err(io)?;
    std::fs::rename(&tmp, &path).map_err(io)
}

/// Where an index keeps the merged dictionary it was built with (see
/// `analyse::query_dictionary`), so a search cuts its query without building jieba.
pub fn query_dictionary_path(index: &Path) -> PathBuf {
    index.join("newsidx-words.fst")
}

/// Records the merged dictionary of `linguistics` next to the index (temp file, then rename),
/// unless a record made from the same inputs (its key) in the current layout is there and
/// intact: the same inputs give the same file.
pub fn save_query_dictionary(index: &Path, linguistics: &Linguistics) -> Result<(), Error> {
    let path = query_dictionary_path(index);
    let key = linguistics.dictionary_key();
    if recorded_dictionary(&path, key).is_some_and(|q| q.is_current()) {
        return Ok(());
    }
    let bytes = linguistics
        .merged_words()?
        .to_bytes(key)
        .map_err(|e| Error::index(index, format!("cannot record the dictionary: {e}")))?;
    let io = |source| Error::Io {
        path: path.clone(),
        source,
    };
    let tmp = path.with_extension("fst.tmp");
    let written = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, &path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
        let _ = std::fs::remove_file(&path);
    }
    written.map_err(io)
}

/// The dictionary record at `path`, when there is a readable, whole one made from the inputs
/// `key` stands for.
fn recorded_dictionary(path: &Path, key: u64) -> Option<QueryDictionary> {
    std::fs::read(path)
        .ok()
        .and_then(QueryDictionary::from_bytes)
        .filter(|q| q.key() == key)
}

/// The dictionary and extractor an index was built with (its user entities and dictionary).
/// Query words are cut with the merged dictionary the index records when it was made from the
/// same inputs; the full jieba is built only if something else needs it. Without a usable
/// record (an index from before records, edited user files) the full one cuts them too.
pub fn linguistics_for(index: &Path) -> Result<Arc<Linguistics>, Error> {
    let entities = Some(user_entities_path(index)).filter(|p| p.exists());
    let dictionary = Some(user_dictionary_path(index)).filter(|p| p.exists());
    let (user, words) = linguistics::read_user(entities.as_deref(), dictionary.as_deref())?;
    let key = linguistics::dictionary_key(&user, &words);
    let query = recorded_dictionary(&query_dictionary_path(index), key);
    if query.is_none() && user.is_empty() && words.is_empty() {
        return Ok(Linguistics::shared());
    }
    Ok(Arc::new(Linguistics::lazy(user, words, query)))
}

/// Fast-field names of a document's file stat and settings fingerprint.
pub const SIZE: &str = "size";
pub const MTIME_NS: &str = "mtime_ns";
pub const SETTINGS: &str = "settings";

/// A file's size and modification time (nanoseconds since the Unix epoch): the cheap test of
/// "may have changed".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Stat {
    pub size: u64,
    pub mtime_ns: i64,
}

impl Stat {
    /// The stat of `path`, following symlinks like the walk does.
    pub fn of(path: &Path) -> std::io::Result<Stat> {
        let meta = std::fs::metadata(path)?;
        let mtime_ns = match meta.modified()?.duration_since(std::time::UNIX_EPOCH) {
            Ok(after) => i64::try_from(after.as_nanos()).unwrap_or(i64::MAX),
            Err(before) => i64::try_from(before.duration().as_nanos()).map_or(i64::MIN, |n| -n),
        };
        Ok(Stat {
            size: meta.len(),
            mtime_ns,
        })
    }
}

/// What the index holds for one document: the stat its file had when it was read, its
/// fingerprint (FNV-1a of the bytes seeded with the settings) and the settings fingerprint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocState {
    pub stat: Stat,
    pub fingerprint: u64,
    pub settings: u64,
}

/// Handles to the state fields of the schema.
#[derive(Debug, Clone, Copy)]
pub struct StateFields {
    pub fingerprint: Field,
    pub size: Field,
    pub mtime_ns: Field,
    pub settings: Field,
}

impl StateFields {
    pub fn resolve(index: &Index) -> tantivy::Result<StateFields> {
        let schema = index.schema();
        Ok(StateFields {
            fingerprint: schema.get_field("fingerprint")?,
            size: schema.get_field(SIZE)?,
            mtime_ns: schema.get_field(MTIME_NS)?,
            settings: schema.get_field(SETTINGS)?,
        })
    }

    /// Adds the stat and settings to a document built by `to_document` (which already holds
    /// the fingerprint).
    pub fn stamp(&self, doc: &mut TantivyDocument, state: &DocState) {
        doc.add_u64(self.size, state.stat.size);
        doc.add_i64(self.mtime_ns, state.stat.mtime_ns);
        doc.add_u64(self.settings, state.settings);
    }
}

/// Every live document's id and state, read from fast fields (no stored-document
/// decompression, so this stays quick at millions of documents). Each segment's ids are
/// decoded in one pass over its dictionary: looking each document's id up by ordinal decoded
/// a compressed dictionary block per document, most of a no-change rerun at a million.
pub fn documents(index: &Index) -> tantivy::Result<HashMap<String, DocState>> {
    let reader = index
        .reader_builder()
        .reload_policy(tantivy::ReloadPolicy::Manual)
        .try_into()?;
    let searcher = reader.searcher();
    let mut out = HashMap::with_capacity(usize::try_from(searcher.num_docs()).unwrap_or(0));
    for segment in searcher.segment_readers() {
        let fast = segment.fast_fields();
        let Some(ids) = fast.str("id")? else {
            continue;
        };
        let names = TermTable::build(&ids)?;
        let prints = fast.u64("fingerprint")?;
        let sizes = fast.u64(SIZE)?;
        let mtimes = fast.i64(MTIME_NS)?;
        let settings = fast.u64(SETTINGS)?;
        for doc in segment.doc_ids_alive() {
            let Some(ord) = ids.term_ords(doc).next() else {
                continue;
            };
            let Some(name) = names.get(ord) else {
                continue;
            };
            let state = DocState {
                stat: Stat {
                    size: sizes.first(doc).unwrap_or(0),
                    mtime_ns: mtimes.first(doc).unwrap_or(0),
                },
                fingerprint: prints.first(doc).unwrap_or(0),
                settings: settings.first(doc).unwrap_or(0),
            };
            out.insert(String::from_utf8_lossy(name).into_owned(), state);
        }
    }
    Ok(out)
}

/// What became of a file that has no up-to-date document stat of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Indexed, then touched without changing: the document stands, with this newer stat.
    Indexed,
    Rejected,
    /// Not an article (a `.txt` or extension-less file without front matter or HTML).
    Skipped,
}

/// One file's entry in the commit payload. `hash` is the fingerprint of the bytes last read
/// (0 when they could not be read).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub size: u64,
    pub mtime_ns: i64,
    pub hash: u64,
    pub outcome: Outcome,
}

impl FileEntry {
    pub fn stat(&self) -> Stat {
        Stat {
            size: self.size,
            mtime_ns: self.mtime_ns,
        }
    }
}

/// The commit payload: written by tantivy into `meta.json` atomically with each commit.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CommitRecord {
    pub format: u32,
    /// The canonical corpus root the index mirrors.
    pub root: String,
    /// Each setting that changes every file's result, by name (see `ingest::settings`).
    #[serde(default)]
    pub settings: BTreeMap<String, String>,
    /// False for a checkpoint: the run that wrote it had not finished.
    #[serde(default)]
    pub complete: bool,
    /// Files without a current document stat, by id.
    #[serde(default)]
    pub files: BTreeMap<String, FileEntry>,
}

/// The record of the last commit; `None` for a new index or one written before records.
pub fn load_record(index: &Index) -> tantivy::Result<Option<CommitRecord>> {
    let payload = index.load_metas()?.payload;
    Ok(payload.and_then(|p| serde_json::from_str::<CommitRecord>(&p).ok()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyse::dictionary::parse_user_dictionary;

    #[test]
    fn documents_gives_each_live_document_its_id_and_state() {
        let index = Index::create_in_ram(crate::index::schema::schema());
        crate::analyse::text::register(&index, &Linguistics::shared().analyzer);
        let fields = StateFields::resolve(&index).unwrap();
        let id = index.schema().get_field("id").unwrap();
        let mut writer: tantivy::IndexWriter = index.writer(15_000_000).unwrap();
        let state = |n: u64| DocState {
            stat: Stat {
                size: n,
                mtime_ns: -(n as i64),
            },
            fingerprint: n * 10,
            settings: 7,
        };
        // Two segments; ids out of order, so ordinals differ from document numbers.
        for batch in [
            &[("b/2.md", 2), ("a/1.md", 1), ("c/3.md", 3)][..],
            &[("a/0.md", 4)],
        ] {
            for &(name, n) in batch {
                let mut doc = TantivyDocument::default();
                doc.add_text(id, name);
                doc.add_u64(fields.fingerprint, n * 10);
                fields.stamp(&mut doc, &state(n));
                writer.add_document(doc).unwrap();
            }
            writer.commit().unwrap();
        }
        writer.delete_term(tantivy::Term::from_field_text(id, "c/3.md"));
        writer.commit().unwrap();

        let mut got: Vec<(String, DocState)> = documents(&index).unwrap().into_iter().collect();
        got.sort_by(|a, b| a.0.cmp(&b.0));
        let expected: Vec<(String, DocState)> = [("a/0.md", 4), ("a/1.md", 1), ("b/2.md", 2)]
            .iter()
            .map(|&(name, n)| (name.to_string(), state(n)))
            .collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn searches_cut_queries_with_the_recorded_dictionary_while_its_inputs_stand() {
        let dir = tempfile::tempdir().unwrap();
        let index = dir.path();
        // An index from before records: the full dictionary.
        assert!(
            !linguistics_for(index)
                .unwrap()
                .analyzer
                .has_query_dictionary()
        );

        let words = parse_user_dictionary("蓝河数科 50 nz\n").unwrap();
        let built = Linguistics::with_dictionary(Vec::new(), words.clone());
        save_user_dictionary(index, &words).unwrap();
        save_query_dictionary(index, &built).unwrap();
        let searching = linguistics_for(index).unwrap();
        assert!(searching.analyzer.has_query_dictionary());
        assert_eq!(
            searching.analyzer.query_words("蓝河数科的股价"),
            built.analyzer.query_words("蓝河数科的股价")
        );

        // Kept as it is while its key matches.
        let path = query_dictionary_path(index);
        let written = std::fs::metadata(&path).unwrap().modified().unwrap();
        save_query_dictionary(index, &built).unwrap();
        assert_eq!(
            std::fs::metadata(&path).unwrap().modified().unwrap(),
            written
        );

        // The user dictionary changed behind its back: not used.
        std::fs::write(user_dictionary_path(index), "蓝河 50 nz\n").unwrap();
        assert!(
            !linguistics_for(index)
                .unwrap()
                .analyzer
                .has_query_dictionary()
        );

        // A damaged record is not used either, and nothing panics.
        save_user_dictionary(index, &words).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 100]).unwrap();
        assert!(
            !linguistics_for(index)
                .unwrap()
                .analyzer
                .has_query_dictionary()
        );
        save_query_dictionary(index, &built).unwrap();
        assert!(
            linguistics_for(index)
                .unwrap()
                .analyzer
                .has_query_dictionary()
        );
    }
}

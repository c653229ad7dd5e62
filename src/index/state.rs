//! What a previous ingest left in the index folder: every document's fingerprint (fast fields)
//! and the user entities the index was built with.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::Index;

use crate::analyse::Linguistics;
use crate::analyse::dictionary::UserWord;
use crate::analyse::entities::UserEntity;
use crate::error::Error;

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

/// The dictionary and extractor an index was built with (its user entities and dictionary).
pub fn linguistics_for(index: &Path) -> Result<Arc<Linguistics>, Error> {
    let entities = Some(user_entities_path(index)).filter(|p| p.exists());
    let dictionary = Some(user_dictionary_path(index)).filter(|p| p.exists());
    if entities.is_none() && dictionary.is_none() {
        return Ok(Linguistics::shared());
    }
    Ok(Arc::new(Linguistics::load(
        entities.as_deref(),
        dictionary.as_deref(),
    )?))
}

/// Every live document's id and fingerprint, read from fast fields (no stored-document
/// decompression, so this stays quick at millions of documents).
pub fn fingerprints(index: &Index) -> tantivy::Result<HashMap<String, u64>> {
    let reader = index.reader()?;
    let searcher = reader.searcher();
    let mut out = HashMap::new();
    let mut id = String::new();
    for segment in searcher.segment_readers() {
        let fast = segment.fast_fields();
        let Some(ids) = fast.str("id")? else {
            continue;
        };
        let prints = fast.u64("fingerprint")?;
        for doc in segment.doc_ids_alive() {
            let Some(ord) = ids.term_ords(doc).next() else {
                continue;
            };
            id.clear();
            if ids.ord_to_str(ord, &mut id)? {
                out.insert(id.clone(), prints.first(doc).unwrap_or(0));
            }
        }
    }
    Ok(out)
}

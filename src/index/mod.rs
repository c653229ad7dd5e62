//! Index: the Tantivy side. [`schema`] names the fields (part of the on-disk format),
//! [`convert`] turns a read document and its analysis into a Tantivy document and back,
//! [`clusters`] assigns near-duplicate clusters at ingest and reads them back,
//! [`state`] reads and records what a previous ingest left (fingerprints, user entities), and
//! this module opens or creates an index with the shared analysers registered.

pub mod clusters;
pub mod convert;
pub mod last_ingest;
pub mod schema;
pub mod state;
pub mod term_table;

use std::path::Path;

use tantivy::store::{Compressor, ZstdCompressor};
use tantivy::{Index, IndexSettings};

use crate::analyse::text::{self, Analyzer};
use crate::error::Error;

pub use convert::{day_instant, entity_facet, instant, to_document};
pub use schema::{FORMAT_VERSION, Fields, schema};

/// An open index with the analysers registered and the fields resolved.
pub struct OpenIndex {
    pub index: Index,
    pub fields: Fields,
}

/// Opens an existing index for reading. A missing index is an error that says how to make one.
pub fn open(path: &Path, analyzer: &Analyzer) -> Result<OpenIndex, Error> {
    if !path.join("meta.json").is_file() {
        return Err(Error::index(
            path,
            "no index here yet; build one with `newsidx ingest DIR --index PATH`",
        ));
    }
    let index = Index::open_in_dir(path).map_err(|e| Error::index(path, e))?;
    finish_open(path, index, analyzer)
}

/// Opens the index at `path`, creating the folder and an empty index when there is none.
pub fn open_or_create(path: &Path, analyzer: &Analyzer) -> Result<OpenIndex, Error> {
    std::fs::create_dir_all(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let index = if path.join("meta.json").is_file() {
        Index::open_in_dir(path)
    } else {
        Index::builder()
            .schema(schema())
            .settings(settings())
            .create_in_dir(path)
    }
    .map_err(|e| Error::index(path, e))?;
    finish_open(path, index, analyzer)
}

/// How a new index stores documents. Stored fields are mostly Chinese body text, which LZ4
/// (tantivy's default) shrinks by a fifth and zstd by about half; zstd's level 3 decompresses
/// at hundreds of MB/s, so the ten documents a result page reads cost well under a millisecond.
/// Blocks of 32 KB (default 16 KB) give zstd more context while keeping that read small.
/// Settings live in the index's `meta.json`: an index keeps the ones it was created with.
pub fn settings() -> IndexSettings {
    IndexSettings {
        docstore_compression: Compressor::Zstd(ZstdCompressor {
            compression_level: Some(DOCSTORE_ZSTD_LEVEL),
        }),
        docstore_blocksize: DOCSTORE_BLOCK_BYTES,
        ..IndexSettings::default()
    }
}

/// zstd level of the document store (see [`settings`]).
pub const DOCSTORE_ZSTD_LEVEL: i32 = 3;
/// Uncompressed size of a document store block (see [`settings`]).
pub const DOCSTORE_BLOCK_BYTES: usize = 32 * 1024;

/// An index in memory, for tests and fuzzing.
pub fn create_in_ram(analyzer: &Analyzer) -> Result<OpenIndex, Error> {
    finish_open(
        Path::new("(memory)"),
        Index::builder()
            .schema(schema())
            .settings(settings())
            .create_in_ram()
            .map_err(|e| Error::index(Path::new("(memory)"), e))?,
        analyzer,
    )
}

fn finish_open(path: &Path, index: Index, analyzer: &Analyzer) -> Result<OpenIndex, Error> {
    if index.schema() != schema() {
        return Err(Error::index(
            path,
            format!(
                "written by an incompatible newsidx version (this one writes format {FORMAT_VERSION}); \
                 delete the folder or choose another --index and ingest again"
            ),
        ));
    }
    text::register(&index, analyzer);
    let fields = Fields::resolve(&index.schema()).map_err(|e| Error::index(path, e))?;
    Ok(OpenIndex { index, fields })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::schema::{STRING, Schema};

    #[test]
    fn create_then_reopen_and_refuse_a_foreign_schema() {
        let dir = tempfile::tempdir().unwrap();
        let analyzer = crate::analyse::Linguistics::shared().analyzer.clone();
        let path = dir.path().join("idx");
        assert!(open(&path, &analyzer).is_err());
        open_or_create(&path, &analyzer).unwrap();
        open(&path, &analyzer).unwrap();

        let other = dir.path().join("other");
        std::fs::create_dir(&other).unwrap();
        let mut b = Schema::builder();
        b.add_text_field("x", STRING);
        Index::create_in_dir(&other, b.build()).unwrap();
        let err = open(&other, &analyzer).err().unwrap().to_string();
        assert!(err.contains("incompatible newsidx version"), "{err}");
    }
}

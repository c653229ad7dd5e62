//! `newsidx stats`: what an index holds (documents, publication range, sources, months,
//! categories), how large it is on disk, and what the last ingest did.

use std::path::Path;

use chrono::{DateTime, FixedOffset};
use tantivy::query::AllQuery;

use super::Searcher;
use super::facets::{self, FacetValue, MetaCounts};
use crate::error::Error;
use crate::index::last_ingest::{self, LastIngest};

/// Sources listed by `stats`.
pub const TOP_SOURCES: usize = 10;

#[derive(Debug, Clone, PartialEq)]
pub struct Stats {
    pub documents: u64,
    /// Earliest and latest publication dates (+08:00).
    pub published: Option<(DateTime<FixedOffset>, DateTime<FixedOffset>)>,
    /// Number of distinct sources; `sources` lists the top ones.
    pub source_count: usize,
    pub sources: Vec<FacetValue>,
    pub months: Vec<FacetValue>,
    pub categories: Vec<FacetValue>,
    /// Bytes of every file in the index folder.
    pub size_bytes: u64,
    pub last_ingest: Option<LastIngest>,
}

/// Statistics of the index at `path`.
pub fn stats(path: &Path) -> Result<Stats, Error> {
    let searcher = Searcher::open(path)?;
    let reader = searcher.reader().searcher();
    let meta = reader
        .search(&AllQuery, &MetaCounts)
        .map_err(|e| Error::index(path, e))?;
    Ok(Stats {
        documents: reader.num_docs(),
        published: meta.date_range(),
        source_count: meta.source.len(),
        sources: facets::top(&meta.source, TOP_SOURCES),
        months: facets::by_month(&meta.month),
        categories: facets::top(&meta.category, usize::MAX),
        size_bytes: folder_size(path),
        last_ingest: last_ingest::load(path),
    })
}

fn folder_size(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| e.metadata().ok())
                .filter(std::fs::Metadata::is_file)
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

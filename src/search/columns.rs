//! A segment's fast columns, opened by name: the one place the per-segment collectors
//! (collapse, facets, entity facets, trends) get their columns. A column the segment lacks
//! (an index written before the field existed, a segment with no value) is `None`, and the
//! collector counts nothing from it rather than failing the search.

use std::sync::Arc;

use tantivy::SegmentReader;
use tantivy::columnar::{Column, StrColumn};

use super::term_table::{self, TermTable};

/// The publication instants.
pub fn published(reader: &SegmentReader) -> Option<Column<tantivy::DateTime>> {
    reader.fast_fields().date("published").ok()
}

/// An unsigned integer column.
pub fn unsigned(reader: &SegmentReader, name: &str) -> Option<Column<u64>> {
    reader.fast_fields().u64(name).ok()
}

/// A signed integer column.
pub fn signed(reader: &SegmentReader, name: &str) -> Option<Column<i64>> {
    reader.fast_fields().i64(name).ok()
}

/// A string column (term ordinals per document and the dictionary).
pub fn text(reader: &SegmentReader, name: &str) -> tantivy::Result<Option<StrColumn>> {
    reader.fast_fields().str(name)
}

/// A string column and its values decoded (kept per segment; see [`term_table`]).
pub fn text_with_values(
    reader: &SegmentReader,
    name: &str,
) -> tantivy::Result<Option<(StrColumn, Arc<TermTable>)>> {
    let Some(column) = text(reader, name)? else {
        return Ok(None);
    };
    let table = term_table::of(reader, name, &column)?;
    Ok(Some((column, table)))
}

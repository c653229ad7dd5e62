//! Entity facet counts: the top entities of each type among the matching documents.
//!
//! tantivy's `FacetCollector` walks the whole facet dictionary on every search (to map each
//! ordinal to its collapsed facet) and turns every counted ordinal into a string at harvest,
//! decoding a dictionary block for each. With hundreds of thousands of entity names that cost
//! a facet search tens to hundreds of milliseconds however few documents matched. Here each
//! segment counts ordinals per type into flat arrays and only the names that can make the top
//! are looked up ([`ord_counts`](super::ord_counts)).

use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use super::columns;
use super::doc_ords::{self, DocOrds};
use super::ord_counts::{self, OrdTally};
use super::term_table::TermTable;
use crate::analyse::entities::EntityType;

/// Counts the entity facets of `kinds` and keeps the `top` names of each kind, most
/// documents first, ties by name.
pub struct EntityFacets {
    pub kinds: Vec<EntityType>,
    pub top: usize,
}

/// One entity name and the number of matching documents that mention it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counted {
    pub kind: EntityType,
    pub name: String,
    pub documents: u64,
}

/// One segment's documents per entity ordinal, in one dense array over the ordinals of the
/// kinds asked for; split into a tally per kind at harvest.
pub struct SegmentEntityFacets {
    column: Option<tantivy::columnar::StrColumn>,
    /// The column's ordinals per document, unpacked once per segment (see [`doc_ords`]).
    doc_ords: Option<Arc<DocOrds>>,
    table: Option<Arc<TermTable>>,
    /// Each kind's facet prefix, in `EntityFacets::kinds` order.
    prefixes: Vec<Vec<u8>>,
    /// `counts[i]`: documents with ordinal `first + i`.
    first: u64,
    /// `first` for unpacked ordinals, which exist only when every ordinal fits a `u32`.
    first_u32: u32,
    counts: Vec<u32>,
    /// One document's ordinals, read in one call.
    ords: Vec<u64>,
}

/// The facet prefix of a type's names: `TYPE\0`.
fn prefix(kind: EntityType) -> Vec<u8> {
    let mut key = kind.as_str().as_bytes().to_vec();
    key.push(0);
    key
}

impl Collector for EntityFacets {
    type Fruit = Vec<Counted>;
    type Child = SegmentEntityFacets;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentEntityFacets> {
        let (column, table) = columns::text_with_values(reader, "entity")?.unzip();
        let prefixes: Vec<Vec<u8>> = self.kinds.iter().map(|&k| prefix(k)).collect();
        let ranges: Vec<(u64, u64)> = match &table {
            Some(t) => prefixes.iter().map(|p| t.prefix_range(p)).collect(),
            None => Vec::new(),
        };
        let first = ranges.iter().map(|r| r.0).min().unwrap_or(0);
        let end = ranges.iter().map(|r| r.1).max().unwrap_or(0);
        let first_u32 = u32::try_from(first).ok();
        let doc_ords = column
            .as_ref()
            .filter(|_| first_u32.is_some())
            .and_then(|c| doc_ords::of(reader, "entity", c));
        Ok(SegmentEntityFacets {
            column,
            doc_ords,
            table,
            prefixes,
            first,
            first_u32: first_u32.unwrap_or_default(),
            counts: vec![0; usize::try_from(end.saturating_sub(first)).unwrap_or(0)],
            ords: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segments: Vec<Vec<OrdTally>>) -> tantivy::Result<Vec<Counted>> {
        let mut out = Vec::new();
        for (i, &kind) in self.kinds.iter().enumerate() {
            let tallies: Vec<&OrdTally> = segments.iter().filter_map(|s| s.get(i)).collect();
            let names = ord_counts::top_values(&tallies, self.top)?;
            out.extend(names.into_iter().map(|(name, documents)| Counted {
                kind,
                name,
                documents,
            }));
        }
        Ok(out)
    }
}

impl SegmentCollector for SegmentEntityFacets {
    type Fruit = Vec<OrdTally>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        if let Some(unpacked) = &self.doc_ords {
            count_unpacked(&mut self.counts, self.first_u32, unpacked.of(doc));
            return;
        }
        let Some(column) = &self.column else { return };
        // One bulk read of the document's ordinals instead of a call per value.
        let column = column.ords();
        let rows = column.index.value_row_ids(doc);
        self.ords
            .resize(rows.end.saturating_sub(rows.start) as usize, 0);
        column
            .values
            .get_range(u64::from(rows.start), &mut self.ords);
        count_once(&mut self.counts, self.first, &self.ords);
    }

    fn harvest(self) -> Vec<OrdTally> {
        self.prefixes
            .iter()
            .map(|p| OrdTally::with_counts(self.table.clone(), p, &self.counts, self.first))
            .collect()
    }
}

/// Counts one document's ordinals: `counts[i]` is ordinal `first + i`. A document counts once
/// per name, as tantivy's FacetCollector counts it (its ordinals come sorted).
fn count_once<T: Copy + Into<u64> + PartialEq>(counts: &mut [u32], first: u64, ords: &[T]) {
    let mut previous = None;
    for &ord in ords {
        if previous == Some(ord) {
            continue;
        }
        previous = Some(ord);
        let slot = ord
            .into()
            .checked_sub(first)
            .and_then(|i| usize::try_from(i).ok())
            .and_then(|i| counts.get_mut(i));
        if let Some(count) = slot {
            *count += 1;
        }
    }
}

/// [`count_once`] for unpacked ordinals, in `u32` arithmetic: the loop every matching
/// document of a facet search runs through, so one compare and one bounds check an ordinal.
#[inline]
fn count_unpacked(counts: &mut [u32], first: u32, ords: &[u32]) {
    let mut previous = u32::MAX;
    for &ord in ords {
        if ord != previous {
            previous = ord;
            // Below `first` wraps around past the end: not counted, as in `count_once`.
            if let Some(count) = counts.get_mut(ord.wrapping_sub(first) as usize) {
                *count += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unpacked_counting_agrees_with_the_general_one() {
        // Repeats count once; ordinals below `first` or past the array are not counted.
        let docs: [&[u32]; 4] = [&[1, 2, 2, 5], &[0, 2, 9], &[], &[3, 3, 3, 4, 5, 6]];
        let (mut general, mut unpacked) = (vec![0u32; 5], vec![0u32; 5]);
        for ords in docs {
            count_once(&mut general, 2, ords);
            count_unpacked(&mut unpacked, 2, ords);
        }
        assert_eq!(unpacked, vec![2, 1, 1, 2, 1]);
        assert_eq!(general, unpacked);
    }
}

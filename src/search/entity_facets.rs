//! Entity facet counts: the top entities of each type among the matching documents.
//!
//! tantivy's `FacetCollector` walks the whole facet dictionary on every search (to map each
//! ordinal to its collapsed facet) and turns every counted ordinal into a string at harvest,
//! decoding a dictionary block for each. With hundreds of thousands of entity names that cost
//! a facet search tens to hundreds of milliseconds however few documents matched. Here each
//! segment counts ordinals per type into flat arrays and only the names that can make the top
//! are looked up ([`ord_counts`](super::ord_counts)).

use std::io;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use super::columns;
use super::ord_counts::{self, OrdTally};
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

/// One tally per kind, in `EntityFacets::kinds` order.
pub struct SegmentEntityFacets {
    column: Option<tantivy::columnar::StrColumn>,
    tallies: Vec<OrdTally>,
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
        let column = columns::text(reader, "entity")?;
        let tallies = self
            .kinds
            .iter()
            .map(|&k| OrdTally::new(column.clone(), &prefix(k)))
            .collect::<io::Result<Vec<_>>>()?;
        Ok(SegmentEntityFacets { column, tallies })
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
        let Some(column) = &self.column else { return };
        let mut previous = None;
        for ord in column.term_ords(doc) {
            // A document counts once per name, as tantivy's FacetCollector counts it.
            if previous == Some(ord) {
                continue;
            }
            previous = Some(ord);
            for tally in &mut self.tallies {
                if tally.add(ord) {
                    break;
                }
            }
        }
    }

    fn harvest(self) -> Vec<OrdTally> {
        self.tallies
    }
}

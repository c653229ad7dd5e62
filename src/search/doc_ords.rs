//! Every document's term ordinals of one segment's string column, decoded once and kept while
//! the segment lives.
//!
//! Facet counting reads the ordinals of every matching document: a broad query matches most
//! of an index, and through the fast column each document costs a lookup in the multi-value
//! index and a bit-unpacking call per value, behind dynamic dispatch. A segment never changes,
//! so its ordinals are unpacked once into two plain arrays ([`DocOrds`], the layout of a
//! sparse row) and every later search reads slices of them.

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use tantivy::SegmentReader;
use tantivy::columnar::StrColumn;
use tantivy::index::SegmentId;

/// The term ordinals of each document of a segment, in the column's order.
#[derive(Debug, Default)]
pub struct DocOrds {
    /// Document `d`'s ordinals are `ords[starts[d]..starts[d + 1]]`.
    starts: Vec<u32>,
    ords: Vec<u32>,
}

impl DocOrds {
    /// Unpacks every document's ordinals (`None` when the column is too large for `u32`).
    pub fn build(column: &StrColumn, max_doc: u32) -> Option<DocOrds> {
        let mut out = DocOrds {
            starts: Vec::with_capacity(max_doc as usize + 1),
            ords: Vec::new(),
        };
        out.starts.push(0);
        for doc in 0..max_doc {
            for ord in column.term_ords(doc) {
                out.ords.push(u32::try_from(ord).ok()?);
            }
            out.starts.push(u32::try_from(out.ords.len()).ok()?);
        }
        out.ords.shrink_to_fit();
        Some(out)
    }

    /// The ordinals of document `doc`, in the column's order (empty for an unknown document).
    #[inline]
    pub fn of(&self, doc: u32) -> &[u32] {
        let d = doc as usize;
        match (self.starts.get(d), self.starts.get(d + 1)) {
            (Some(&start), Some(&end)) => self.ords.get(start as usize..end as usize),
            _ => None,
        }
        .unwrap_or_default()
    }
}

/// Arrays kept at once, in bytes: more than that and the cache starts over.
const BUDGET_BYTES: usize = 256 << 20;

/// A per-segment array the cache can hold, weighed in bytes.
pub trait Weighed: Any + Send + Sync {
    fn weight(&self) -> usize;
}

impl Weighed for DocOrds {
    fn weight(&self) -> usize {
        (self.starts.len() + self.ords.len()) * std::mem::size_of::<u32>()
    }
}

type Entry = Arc<dyn Any + Send + Sync>;

struct Cache {
    arrays: HashMap<(SegmentId, String), Entry>,
    bytes: usize,
}

static CACHE: LazyLock<Mutex<Cache>> = LazyLock::new(|| {
    Mutex::new(Cache {
        arrays: HashMap::new(),
        bytes: 0,
    })
});

/// The array `name` of the segment `reader` reads: built by `build` on first use and shared
/// afterwards; `None` when `build` gives none.
pub fn cached<T: Weighed>(
    reader: &SegmentReader,
    name: &str,
    build: impl FnOnce() -> Option<T>,
) -> Option<Arc<T>> {
    let key = (reader.segment_id(), name.to_string());
    let lock = || match CACHE.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    };
    if let Some(array) = lock().arrays.get(&key) {
        return Arc::clone(array).downcast().ok();
    }
    let array = Arc::new(build()?);
    let weight = array.weight();
    let mut cache = lock();
    if cache.bytes + weight > BUDGET_BYTES {
        cache.arrays.clear();
        cache.bytes = 0;
    }
    cache.bytes += weight;
    let kept: Entry = Arc::clone(cache.arrays.entry(key).or_insert(array));
    kept.downcast().ok()
}

/// The ordinals of `column` (the column `field` of the segment `reader` reads), unpacked on
/// first use and shared afterwards; `None` for a column too large to unpack.
pub fn of(reader: &SegmentReader, field: &str, column: &StrColumn) -> Option<Arc<DocOrds>> {
    cached(reader, field, || DocOrds::build(column, reader.max_doc()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_document_reads_its_own_slice() {
        let ords = DocOrds {
            starts: vec![0, 2, 2, 5],
            ords: vec![4, 9, 1, 1, 7],
        };
        assert_eq!(ords.of(0), &[4, 9]);
        assert_eq!(ords.of(1), &[] as &[u32]);
        assert_eq!(ords.of(2), &[1, 1, 7]);
        assert_eq!(ords.of(3), &[] as &[u32]);
        assert_eq!(ords.weight(), 36);
    }
}

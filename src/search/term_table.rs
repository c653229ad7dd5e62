//! Every value of one segment's string column, decoded once and kept while the segment lives.
//!
//! A string column's dictionary is an sstable whose blocks tantivy compresses with zstd, and
//! every lookup (an ordinal to its value, the ordinal range of a prefix) decodes a block with a
//! freshly created zstd context. Facet counting did a few dozen such lookups per segment per
//! search, and under load creating those contexts was the server's largest single cost. A
//! segment never changes, so its column's values are decoded once into one flat buffer
//! ([`TermTable`]) and shared by every later search until the segment is merged away; lookups
//! are then a slice or a binary search. Tables are keyed by segment id and field name.

use std::collections::HashMap;
use std::io;
use std::sync::{Arc, LazyLock, Mutex};

use tantivy::SegmentReader;
use tantivy::columnar::StrColumn;
use tantivy::index::SegmentId;

/// The values of one column, in ordinal (byte) order.
#[derive(Debug, Default)]
pub struct TermTable {
    bytes: Vec<u8>,
    /// `ends[i]`: where value `i` ends in `bytes` (it starts where value `i - 1` ends).
    ends: Vec<usize>,
}

impl TermTable {
    /// Decodes every value of `column` in one pass over its dictionary.
    pub fn build(column: &StrColumn) -> io::Result<TermTable> {
        let mut table = TermTable {
            bytes: Vec::new(),
            ends: Vec::with_capacity(column.num_terms()),
        };
        let mut stream = column.dictionary().stream()?;
        while stream.advance() {
            table.bytes.extend_from_slice(stream.key());
            table.ends.push(table.bytes.len());
        }
        table.bytes.shrink_to_fit();
        Ok(table)
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The value with ordinal `ord`.
    pub fn get(&self, ord: u64) -> Option<&[u8]> {
        let i = usize::try_from(ord).ok()?;
        let end = *self.ends.get(i)?;
        let start = match i {
            0 => 0,
            _ => self.ends[i - 1],
        };
        self.bytes.get(start..end)
    }

    /// The ordinal of `value`, when the column has it.
    pub fn ord_of(&self, value: &[u8]) -> Option<u64> {
        let at = self.first_at_or_after(value);
        (self.get(at)? == value).then_some(at)
    }

    /// The ordinals `[start, end)` of the values that start with `prefix`.
    pub fn prefix_range(&self, prefix: &[u8]) -> (u64, u64) {
        let start = self.first_at_or_after(prefix);
        // Values under the prefix are contiguous: find the first one past them by bisection.
        let (mut low, mut high) = (start, self.len() as u64);
        while low < high {
            let mid = low + (high - low) / 2;
            if self.get(mid).is_some_and(|v| v.starts_with(prefix)) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        (start, low)
    }

    /// The first ordinal whose value is not less than `key` (the length when none is).
    fn first_at_or_after(&self, key: &[u8]) -> u64 {
        let (mut low, mut high) = (0u64, self.len() as u64);
        while low < high {
            let mid = low + (high - low) / 2;
            if self.get(mid).is_some_and(|v| v < key) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        low
    }

    /// Bytes held, for the cache's budget.
    fn weight(&self) -> usize {
        self.bytes.len() + self.ends.len() * std::mem::size_of::<usize>()
    }
}

/// Tables kept at once, in bytes: more than that and the cache starts over (segments that are
/// still searched are decoded again on their next use).
const BUDGET_BYTES: usize = 512 << 20;

struct Cache {
    tables: HashMap<(SegmentId, String), Arc<TermTable>>,
    bytes: usize,
}

static CACHE: LazyLock<Mutex<Cache>> = LazyLock::new(|| {
    Mutex::new(Cache {
        tables: HashMap::new(),
        bytes: 0,
    })
});

/// The table of `column` (the column `field` of the segment `reader` reads), decoded on its
/// first use and shared afterwards.
pub fn of(reader: &SegmentReader, field: &str, column: &StrColumn) -> io::Result<Arc<TermTable>> {
    let key = (reader.segment_id(), field.to_string());
    let lock = || match CACHE.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    };
    if let Some(table) = lock().tables.get(&key) {
        return Ok(Arc::clone(table));
    }
    // Decoded outside the lock: two searches may both decode a new segment, one keeps its copy.
    let table = Arc::new(TermTable::build(column)?);
    let mut cache = lock();
    if cache.bytes + table.weight() > BUDGET_BYTES {
        cache.tables.clear();
        cache.bytes = 0;
    }
    cache.bytes += table.weight();
    let kept = cache.tables.entry(key).or_insert(table);
    Ok(Arc::clone(kept))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(values: &[&str]) -> TermTable {
        let mut t = TermTable::default();
        for v in values {
            t.bytes.extend_from_slice(v.as_bytes());
            t.ends.push(t.bytes.len());
        }
        t
    }

    #[test]
    fn values_prefix_ranges_and_ordinals_come_from_the_flat_buffer() {
        let t = table(&[
            "LOC\0上海",
            "ORG\0星河",
            "ORG\0星河云付",
            "PER\0王五",
            "PER\u{1}",
        ]);
        assert_eq!(t.get(2), Some("ORG\0星河云付".as_bytes()));
        assert_eq!(t.get(0), Some("LOC\0上海".as_bytes()));
        assert_eq!(t.get(5), None);
        assert_eq!(t.prefix_range(b"ORG\0"), (1, 3));
        assert_eq!(t.prefix_range(b"PER\0"), (3, 4));
        assert_eq!(t.prefix_range(b"GPE\0"), (0, 0));
        assert_eq!(t.prefix_range(b"ZZZ\0"), (5, 5));
        assert_eq!(t.prefix_range(b""), (0, 5));
        assert_eq!(t.ord_of("ORG\0星河".as_bytes()), Some(1));
        assert_eq!(t.ord_of(b"ORG\0"), None);
        assert_eq!(table(&[]).prefix_range(b"ORG\0"), (0, 0));
    }
}

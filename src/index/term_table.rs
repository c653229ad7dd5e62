//! Every value of one segment's string column, decoded in one pass over its dictionary.
//!
//! A string column's dictionary is an sstable whose blocks tantivy compresses with zstd, and
//! every lookup by ordinal (or of a prefix's ordinal range) decodes a block with a freshly
//! created zstd context. Whoever reads many values of one segment (facet counting on every
//! search, ingest reading every document's id) decodes them once into one flat buffer
//! ([`TermTable`]); lookups are then a slice or a binary search.

use std::io;

use tantivy::columnar::StrColumn;

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

    /// Bytes held, for a cache's budget.
    pub fn weight(&self) -> usize {
        self.bytes.len() + self.ends.len() * std::mem::size_of::<usize>()
    }
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

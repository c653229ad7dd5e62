//! Every value of one segment's string column, decoded once and kept while the segment lives.
//!
//! Facet counting did a few dozen dictionary lookups per segment per search, each decoding a
//! compressed block, and under load creating those blocks' zstd contexts was the server's
//! largest single cost. A segment never changes, so its column's values are decoded once
//! ([`TermTable`]) and shared by every later search until the segment is merged away. Tables
//! are keyed by segment id and field name.

use std::collections::HashMap;
use std::io;
use std::sync::{Arc, LazyLock, Mutex};

use tantivy::SegmentReader;
use tantivy::columnar::StrColumn;
use tantivy::index::SegmentId;

pub use crate::index::term_table::TermTable;

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

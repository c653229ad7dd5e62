//! Top values from per-segment ordinal counts, without turning every counted ordinal into a
//! string.
//!
//! A string column's dictionary is sorted, so the values under one prefix (an entity type's
//! `TYPE\0` in the `entity` facet column) are one ordinal range and value order is ordinal
//! order. A segment counts documents per ordinal into a flat array ([`OrdTally`]); the top
//! values are then picked by count, and only those that can reach the global top are looked
//! up in the dictionary. The answer is exactly what counting every value by name would give:
//! most documents first, ties by value. Entity facets and `trends --split` use it.

use std::cmp::Reverse;
use std::collections::HashMap;
use std::io;
use std::sync::Arc;

use super::term_table::TermTable;

/// One segment's counts for the values of one column under one prefix.
pub struct OrdTally {
    /// The column's values (see [`term_table`](super::term_table)).
    table: Option<Arc<TermTable>>,
    /// Stripped from every value (`TYPE\0` for an entity type; empty for a whole column).
    prefix: Vec<u8>,
    /// Ordinals `[start, end)` are those under the prefix.
    start: u64,
    /// Documents per ordinal, indexed from `start`.
    counts: Vec<u32>,
}

impl OrdTally {
    /// A tally of the values of a column (its `table`) that start with `prefix`.
    pub fn new(table: Option<Arc<TermTable>>, prefix: &[u8]) -> OrdTally {
        let (start, end) = match &table {
            Some(t) => t.prefix_range(prefix),
            None => (0, 0),
        };
        let len = usize::try_from(end.saturating_sub(start)).unwrap_or(0);
        OrdTally {
            table,
            prefix: prefix.to_vec(),
            start,
            counts: vec![0; len],
        }
    }

    /// A tally of the values under `prefix` whose counts were taken elsewhere: `counts[i]`
    /// documents have ordinal `first + i`.
    pub fn with_counts(
        table: Option<Arc<TermTable>>,
        prefix: &[u8],
        counts: &[u32],
        first: u64,
    ) -> OrdTally {
        let mut tally = OrdTally::new(table, prefix);
        let from = usize::try_from(tally.start.saturating_sub(first)).unwrap_or(usize::MAX);
        let taken = counts.get(from..).unwrap_or_default();
        for (mine, theirs) in tally.counts.iter_mut().zip(taken) {
            *mine = *theirs;
        }
        tally
    }

    /// Counts one document with value `ord`; ordinals outside the prefix are ignored.
    /// Returns whether it counted.
    pub fn add(&mut self, ord: u64) -> bool {
        let slot = ord
            .checked_sub(self.start)
            .and_then(|i| usize::try_from(i).ok())
            .and_then(|i| self.counts.get_mut(i));
        match slot {
            Some(c) => {
                *c += 1;
                true
            }
            None => false,
        }
    }

    /// The documents counted for `ord`.
    fn count(&self, ord: u64) -> u64 {
        ord.checked_sub(self.start)
            .and_then(|i| usize::try_from(i).ok())
            .and_then(|i| self.counts.get(i))
            .map_or(0, |&c| u64::from(c))
    }

    /// The ordinal of `value` (without the prefix) in this segment.
    pub fn ord_of(&self, value: &str) -> io::Result<Option<u64>> {
        let Some(table) = &self.table else {
            return Ok(None);
        };
        let mut key = self.prefix.clone();
        key.extend_from_slice(value.as_bytes());
        Ok(table.ord_of(&key))
    }

    /// The non-zero `(count, ordinal)` pairs, the best `head` first in rank order (most
    /// documents, then lowest ordinal, which is value order).
    fn ranked(&self, head: usize) -> Vec<(u64, u64)> {
        let mut pairs: Vec<(u64, u64)> = self
            .counts
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(|(i, &c)| (u64::from(c), self.start + i as u64))
            .collect();
        let key = |p: &(u64, u64)| (Reverse(p.0), p.1);
        let head = head.min(pairs.len());
        if head > 0 && head < pairs.len() {
            pairs.select_nth_unstable_by_key(head - 1, key);
        }
        pairs[..head].sort_unstable_by_key(key);
        pairs
    }

    /// The values of `pairs` (`(count, ordinal)`) with their counts.
    fn resolve(&self, pairs: &[(u64, u64)]) -> io::Result<Vec<(String, u64)>> {
        let Some(table) = &self.table else {
            return Ok(Vec::new());
        };
        let skip = self.prefix.len();
        Ok(pairs
            .iter()
            .filter_map(|&(count, ord)| {
                let value = table.get(ord)?.get(skip..).unwrap_or_default();
                Some((String::from_utf8_lossy(value).into_owned(), count))
            })
            .collect())
    }
}

/// The `top` values with the most documents over all segments, most first, ties by value.
pub fn top_values(tallies: &[&OrdTally], top: usize) -> io::Result<Vec<(String, u64)>> {
    let mut totals = match tallies {
        _ if top == 0 => Vec::new(),
        [] => Vec::new(),
        [one] => {
            let mut best = one.ranked(top);
            best.truncate(top);
            best.sort_unstable_by_key(|p| p.1);
            one.resolve(&best)?
        }
        _ => merged(tallies, top)?,
    };
    totals.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    totals.truncate(top);
    Ok(totals)
}

/// Several segments: the values in some segment's top, counted in every segment. A value
/// outside every segment's top has at most the sum of each segment's best count left out;
/// when the last value of the candidates' top beats that bound, the candidates are the
/// answer. Otherwise every counted value is resolved.
fn merged(tallies: &[&OrdTally], top: usize) -> io::Result<Vec<(String, u64)>> {
    let mut bound = 0u64;
    let mut totals: HashMap<String, u64> = HashMap::new();
    let mut ranked = Vec::with_capacity(tallies.len());
    for tally in tallies {
        let pairs = tally.ranked(top.saturating_add(1));
        bound += pairs.get(top).map_or(0, |p| p.0);
        let mut best = pairs[..top.min(pairs.len())].to_vec();
        best.sort_unstable_by_key(|p| p.1);
        for (name, _) in tally.resolve(&best)? {
            totals.insert(name, 0);
        }
        ranked.push(pairs);
    }
    for tally in tallies {
        for (name, total) in totals.iter_mut() {
            if let Some(ord) = tally.ord_of(name)? {
                *total += tally.count(ord);
            }
        }
    }
    let mut counts: Vec<u64> = totals.values().copied().collect();
    counts.sort_unstable_by(|a, b| b.cmp(a));
    let exact = bound == 0
        || counts
            .get(top.saturating_sub(1))
            .is_some_and(|&c| c > bound);
    if exact {
        return Ok(totals.into_iter().collect());
    }
    let mut all: HashMap<String, u64> = HashMap::new();
    for (tally, mut pairs) in tallies.iter().zip(ranked) {
        pairs.sort_unstable_by_key(|p| p.1);
        for (name, count) in tally.resolve(&pairs)? {
            *all.entry(name).or_default() += count;
        }
    }
    Ok(all.into_iter().collect())
}

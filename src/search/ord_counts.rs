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

use tantivy::columnar::{StrColumn, TermOrdHit};

/// One segment's counts for the values of one column under one prefix.
pub struct OrdTally {
    column: Option<StrColumn>,
    /// Stripped from every value (`TYPE\0` for an entity type; empty for a whole column).
    prefix: Vec<u8>,
    /// Ordinals `[start, end)` are those under the prefix.
    start: u64,
    /// Documents per ordinal, indexed from `start`.
    counts: Vec<u32>,
}

impl OrdTally {
    /// A tally of the values of `column` that start with `prefix`.
    pub fn new(column: Option<StrColumn>, prefix: &[u8]) -> io::Result<OrdTally> {
        let (start, end) = match &column {
            Some(c) => prefix_range(c, prefix)?,
            None => (0, 0),
        };
        let len = usize::try_from(end.saturating_sub(start)).unwrap_or(0);
        Ok(OrdTally {
            column,
            prefix: prefix.to_vec(),
            start,
            counts: vec![0; len],
        })
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
        let Some(column) = &self.column else {
            return Ok(None);
        };
        let mut key = self.prefix.clone();
        key.extend_from_slice(value.as_bytes());
        column.dictionary().term_ord(&key)
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

    /// The values of `pairs` (`(count, ordinal)` in ordinal order) with their counts, decoded
    /// in one ordered pass over the dictionary.
    fn resolve(&self, pairs: &[(u64, u64)]) -> io::Result<Vec<(String, u64)>> {
        let Some(column) = &self.column else {
            return Ok(Vec::new());
        };
        let ords: Vec<u64> = pairs.iter().map(|p| p.1).collect();
        let mut names = Vec::with_capacity(ords.len());
        let skip = self.prefix.len();
        column.dictionary().sorted_ords_to_term_cb(&ords, |bytes| {
            let value = bytes.get(skip..).unwrap_or_default();
            names.push(String::from_utf8_lossy(value).into_owned());
        })?;
        Ok(names.into_iter().zip(pairs.iter().map(|p| p.0)).collect())
    }
}

/// The ordinals of the keys that start with `prefix`: `[first >= prefix, first >= successor)`.
fn prefix_range(column: &StrColumn, prefix: &[u8]) -> io::Result<(u64, u64)> {
    let total = column.num_terms() as u64;
    if prefix.is_empty() {
        return Ok((0, total));
    }
    let first_at_or_after = |key: &[u8]| -> io::Result<u64> {
        let (TermOrdHit::Exact(ord) | TermOrdHit::Next(ord)) =
            column.dictionary().term_ord_or_next(key)?;
        Ok(ord.min(total))
    };
    let start = first_at_or_after(prefix)?;
    let end = match successor(prefix) {
        Some(after) => first_at_or_after(&after)?,
        None => total,
    };
    Ok((start, end.max(start)))
}

/// The smallest key greater than every key that starts with `prefix`.
fn successor(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut after = prefix.to_vec();
    while let Some(last) = after.pop() {
        if last < u8::MAX {
            after.push(last + 1);
            return Some(after);
        }
    }
    None
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn successor_of_a_prefix_bounds_every_key_under_it() {
        assert_eq!(successor(b"PER\0"), Some(b"PER\x01".to_vec()));
        assert_eq!(successor(b"a\xff"), Some(b"b".to_vec()));
        assert_eq!(successor(b"\xff\xff"), None);
    }
}

//! Counts over a whole result set: by source, category, tag and month of publication (from
//! fast fields, no stored document is read), plus the publication date range. `--facets` and
//! `newsidx stats` both use it.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use super::columns;
use super::doc_ords::{self, DocOrds};
use super::term_table::TermTable;

/// One value of a facet and how many documents have it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetValue {
    pub value: String,
    pub count: u64,
}

/// What [`MetaCounts`] collects.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MetaFruit {
    pub source: HashMap<String, u64>,
    pub category: HashMap<String, u64>,
    pub tag: HashMap<String, u64>,
    /// `YYYY-MM` of publication in +08:00.
    pub month: HashMap<String, u64>,
    /// Earliest and latest publication instants (seconds since the epoch).
    pub published: Option<(i64, i64)>,
}

impl MetaFruit {
    fn merge(&mut self, other: MetaFruit) {
        for (mine, theirs) in [
            (&mut self.source, other.source),
            (&mut self.category, other.category),
            (&mut self.tag, other.tag),
            (&mut self.month, other.month),
        ] {
            for (k, v) in theirs {
                *mine.entry(k).or_default() += v;
            }
        }
        self.published = match (self.published, other.published) {
            (Some((a, b)), Some((c, d))) => Some((a.min(c), b.max(d))),
            (a, b) => a.or(b),
        };
    }

    /// The earliest and latest publication dates, in +08:00.
    pub fn date_range(&self) -> Option<(DateTime<FixedOffset>, DateTime<FixedOffset>)> {
        let (first, last) = self.published?;
        let offset = crate::read::pubdate::default_offset();
        let at = |s| DateTime::from_timestamp(s, 0).map(|d| d.with_timezone(&offset));
        Some((at(first)?, at(last)?))
    }
}

/// The `top` most frequent values, most frequent first, ties by value.
pub fn top(counts: &HashMap<String, u64>, top: usize) -> Vec<FacetValue> {
    let mut values: Vec<FacetValue> = counts
        .iter()
        .map(|(value, &count)| FacetValue {
            value: value.clone(),
            count,
        })
        .collect();
    values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    values.truncate(top);
    values
}

/// Months in calendar order (newest last), all of them.
pub fn by_month(counts: &HashMap<String, u64>) -> Vec<FacetValue> {
    let mut values = top(counts, usize::MAX);
    values.sort_by(|a, b| a.value.cmp(&b.value));
    values
}

/// Counts source, categories, tags and publication months of the matching documents.
pub struct MetaCounts;

pub struct SegmentMetaCounts {
    /// Source, categories and tags, each with its values decoded once per segment.
    columns: [Option<(StrColumn, Arc<TermTable>)>; 3],
    /// Their ordinals per document, unpacked once per segment (see [`doc_ords`]).
    doc_ords: [Option<Arc<DocOrds>>; 3],
    /// Per column: documents per term ordinal, resolved to strings at harvest.
    ords: [Vec<u32>; 3],
    /// Publication instants and months per document (see [`DocMonths`]).
    dates: Option<Arc<DocMonths>>,
    /// Documents per month, indexed by months since January 1970 (`month_slot`); formatted as
    /// `YYYY-MM` at harvest: formatting or hashing per matching document cost a facet search
    /// most of its time.
    months: Vec<u32>,
    /// Months outside `months`' span (before 1970 or after 2099).
    other_months: HashMap<i64, u64>,
    fruit: MetaFruit,
    offset_seconds: i64,
}

/// Months counted in a dense array: 1970-01 to 2099-12.
const DENSE_MONTHS: usize = 130 * 12;

/// Months since January 1970 of the civil day `days` after 1970-01-01 (proleptic Gregorian;
/// Howard Hinnant's `civil_from_days`), without building a date.
fn month_slot(days: i64) -> i64 {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year - 1970) * 12 + (month - 1)
}

/// Every document's publication instant and month slot, worked out once per segment: per
/// matching document, reading the date column and the calendar arithmetic cost a facet
/// search about a third of its metadata counting.
#[derive(Debug, Default)]
struct DocMonths {
    seconds: Vec<i64>,
    /// A slot of `months` (see [`month_slot`]), [`UNDATED`] or [`OUTSIDE`] the dense span.
    slots: Vec<u16>,
}

const UNDATED: u16 = u16::MAX;
const OUTSIDE: u16 = u16::MAX - 1;

impl DocMonths {
    fn build(column: &Column<tantivy::DateTime>, max_doc: u32, offset_seconds: i64) -> DocMonths {
        let mut out = DocMonths::default();
        for doc in 0..max_doc {
            let seconds = column.first(doc).map(|d| d.into_timestamp_secs());
            let slot = match seconds {
                None => UNDATED,
                Some(s) => u16::try_from(month_slot((s + offset_seconds).div_euclid(86_400)))
                    .ok()
                    .filter(|&slot| usize::from(slot) < DENSE_MONTHS)
                    .unwrap_or(OUTSIDE),
            };
            out.seconds.push(seconds.unwrap_or_default());
            out.slots.push(slot);
        }
        out
    }
}

impl doc_ords::Weighed for DocMonths {
    fn weight(&self) -> usize {
        self.seconds.len() * 8 + self.slots.len() * 2
    }
}

/// `YYYY-MM` of a month slot.
fn month_name(slot: i64) -> String {
    let (year, month) = (1970 + slot.div_euclid(12), slot.rem_euclid(12) + 1);
    format!("{year:04}-{month:02}")
}

impl Collector for MetaCounts {
    type Fruit = MetaFruit;
    type Child = SegmentMetaCounts;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentMetaCounts> {
        let names = ["source", "categories", "tags"];
        let offset_seconds = i64::from(crate::read::pubdate::default_offset().local_minus_utc());
        let columns = [
            columns::text_with_values(reader, names[0])?,
            columns::text_with_values(reader, names[1])?,
            columns::text_with_values(reader, names[2])?,
        ];
        let doc_ords = [0, 1, 2].map(|i| {
            let (column, _) = columns[i].as_ref()?;
            doc_ords::of(reader, names[i], column)
        });
        let ords = columns
            .each_ref()
            .map(|c| vec![0; c.as_ref().map_or(0, |(_, t)| t.len())]);
        Ok(SegmentMetaCounts {
            columns,
            doc_ords,
            ords,
            dates: columns::published(reader).and_then(|column| {
                doc_ords::cached(reader, "published months", || {
                    Some(DocMonths::build(&column, reader.max_doc(), offset_seconds))
                })
            }),
            months: vec![0; DENSE_MONTHS],
            other_months: HashMap::new(),
            fruit: MetaFruit::default(),
            offset_seconds,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<MetaFruit>) -> tantivy::Result<MetaFruit> {
        let mut all = MetaFruit::default();
        for fruit in fruits {
            all.merge(fruit);
        }
        Ok(all)
    }
}

impl SegmentCollector for SegmentMetaCounts {
    type Fruit = MetaFruit;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let columns = self.columns.iter().zip(&self.doc_ords);
        for ((column, unpacked), counts) in columns.zip(self.ords.iter_mut()) {
            let mut count = |ord: u64| {
                if let Some(n) = usize::try_from(ord).ok().and_then(|i| counts.get_mut(i)) {
                    *n += 1;
                }
            };
            match (unpacked, column) {
                (Some(unpacked), _) => unpacked.of(doc).iter().for_each(|&o| count(u64::from(o))),
                (None, Some((column, _))) => column.term_ords(doc).for_each(count),
                (None, None) => {}
            }
        }
        let Some(dates) = &self.dates else { return };
        let d = doc as usize;
        let (Some(&slot), Some(&seconds)) = (dates.slots.get(d), dates.seconds.get(d)) else {
            return;
        };
        if slot == UNDATED {
            return;
        }
        self.fruit.published = Some(match self.fruit.published {
            Some((a, b)) => (a.min(seconds), b.max(seconds)),
            None => (seconds, seconds),
        });
        match self.months.get_mut(usize::from(slot)) {
            Some(count) if slot != OUTSIDE => *count += 1,
            _ => {
                let slot = month_slot((seconds + self.offset_seconds).div_euclid(86_400));
                *self.other_months.entry(slot).or_default() += 1;
            }
        }
    }

    fn harvest(mut self) -> MetaFruit {
        let dense = self
            .months
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(slot, &n)| (slot as i64, u64::from(n)));
        for (slot, count) in dense.chain(self.other_months.drain()) {
            *self.fruit.month.entry(month_name(slot)).or_default() += count;
        }
        let targets = [
            &mut self.fruit.source,
            &mut self.fruit.category,
            &mut self.fruit.tag,
        ];
        for ((column, ords), target) in self.columns.iter().zip(&self.ords).zip(targets) {
            let Some((_, table)) = column else { continue };
            for (ord, &count) in ords.iter().enumerate() {
                if count == 0 {
                    continue;
                }
                if let Some(value) = table.get(ord as u64) {
                    let value = String::from_utf8_lossy(value).into_owned();
                    *target.entry(value).or_default() += u64::from(count);
                }
            }
        }
        self.fruit
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;

    #[test]
    fn month_slots_agree_with_the_calendar() {
        for days in (-800_000i64..800_000).step_by(7) {
            let date = DateTime::from_timestamp(days * 86_400, 0).unwrap();
            let expected = i64::from(date.year() - 1970) * 12 + i64::from(date.month0());
            assert_eq!(month_slot(days), expected, "day {days}");
            assert_eq!(
                month_name(expected),
                format!("{:04}-{:02}", date.year(), date.month())
            );
        }
    }
}

//! Counts over a whole result set: by source, category, tag and month of publication (from
//! fast fields, no stored document is read), plus the publication date range. `--facets` and
//! `newsidx stats` both use it.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, FixedOffset};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use super::columns;

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
    columns: [Option<StrColumn>; 3],
    /// Per column: term ordinal -> count, resolved to strings at harvest.
    ords: [HashMap<u64, u64>; 3],
    published: Option<Column<tantivy::DateTime>>,
    /// `year * 100 + month` -> count, formatted as `YYYY-MM` at harvest: formatting a string
    /// for every matching document cost a facet search most of its time.
    months: HashMap<i32, u64>,
    fruit: MetaFruit,
    offset_seconds: i64,
}

impl Collector for MetaCounts {
    type Fruit = MetaFruit;
    type Child = SegmentMetaCounts;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentMetaCounts> {
        Ok(SegmentMetaCounts {
            columns: [
                columns::text(reader, "source")?,
                columns::text(reader, "categories")?,
                columns::text(reader, "tags")?,
            ],
            ords: Default::default(),
            published: columns::published(reader),
            months: HashMap::new(),
            fruit: MetaFruit::default(),
            offset_seconds: i64::from(crate::read::pubdate::default_offset().local_minus_utc()),
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
        for (column, ords) in self.columns.iter().zip(self.ords.iter_mut()) {
            if let Some(column) = column {
                for ord in column.term_ords(doc) {
                    *ords.entry(ord).or_default() += 1;
                }
            }
        }
        let Some(instant) = self.published.as_ref().and_then(|c| c.first(doc)) else {
            return;
        };
        let seconds = instant.into_timestamp_secs();
        self.fruit.published = Some(match self.fruit.published {
            Some((a, b)) => (a.min(seconds), b.max(seconds)),
            None => (seconds, seconds),
        });
        if let Some(local) = DateTime::from_timestamp(seconds + self.offset_seconds, 0) {
            let key = local.year() * 100 + local.month() as i32;
            *self.months.entry(key).or_default() += 1;
        }
    }

    fn harvest(mut self) -> MetaFruit {
        for (key, count) in self.months.drain() {
            let month = format!("{:04}-{:02}", key / 100, key % 100);
            *self.fruit.month.entry(month).or_default() += count;
        }
        let targets = [
            &mut self.fruit.source,
            &mut self.fruit.category,
            &mut self.fruit.tag,
        ];
        for ((column, ords), target) in self.columns.iter().zip(self.ords).zip(targets) {
            let Some(column) = column else { continue };
            let mut text = String::new();
            for (ord, count) in ords {
                text.clear();
                if column.ord_to_str(ord, &mut text).unwrap_or(false) {
                    *target.entry(text.clone()).or_default() += count;
                }
            }
        }
        self.fruit
    }
}

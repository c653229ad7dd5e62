//! The timeline: how many matching articles were published per month or per week, counted
//! from the `published` fast field (no stored document is read). The web page draws it.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::query::{AllQuery, Query};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use super::facets::FacetValue;
use super::{SearchRequest, Searcher};
use crate::error::Error;

/// The width of one bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interval {
    /// `YYYY-MM`.
    Month,
    /// The Monday that starts the week, `YYYY-MM-DD`.
    Week,
}

impl Interval {
    /// `month` or `week`.
    pub fn parse(text: &str) -> Option<Interval> {
        match text {
            "month" => Some(Interval::Month),
            "week" => Some(Interval::Week),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Interval::Month => "month",
            Interval::Week => "week",
        }
    }

    /// The label of the bar holding `day`.
    fn label(self, day: NaiveDate) -> String {
        match self {
            Interval::Month => day.format("%Y-%m").to_string(),
            Interval::Week => {
                let monday = day - Duration::days(i64::from(day.weekday().num_days_from_monday()));
                monday.format("%Y-%m-%d").to_string()
            }
        }
    }
}

/// Bars in calendar order, empty periods between the first and last included as zero.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeline {
    pub interval: Interval,
    pub total: u64,
    pub bars: Vec<FacetValue>,
}

impl Searcher {
    /// Articles per period among those the request matches (all articles when it has neither
    /// words nor filters). Articles without a publication date are not counted.
    pub fn timeline(&self, request: &SearchRequest, interval: Interval) -> Result<Timeline, Error> {
        let query: Box<dyn Query> = match self.plan(request) {
            Ok(plan) => Box::new(self.resolve(&plan)?.query),
            Err(_) if request.query.trim().is_empty() => Box::new(AllQuery),
            Err(e) => return Err(e),
        };
        let searcher = self.reader.searcher();
        let days = searcher
            .search(query.as_ref(), &DayCounts)
            .map_err(|e| Error::Query(format!("timeline failed: {e}")))?;
        Ok(bars(&days, interval))
    }
}

/// Groups day counts into bars, filling the gaps so the chart's x axis is even.
fn bars(days: &BTreeMap<NaiveDate, u64>, interval: Interval) -> Timeline {
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    if let (Some((&first, _)), Some((&last, _))) = (days.first_key_value(), days.last_key_value()) {
        let step = match interval {
            Interval::Month => 28,
            Interval::Week => 7,
        };
        let mut day = first;
        while day <= last {
            counts.entry(interval.label(day)).or_default();
            day += Duration::days(step);
        }
        counts.entry(interval.label(last)).or_default();
    }
    for (&day, &n) in days {
        *counts.entry(interval.label(day)).or_default() += n;
    }
    Timeline {
        interval,
        total: days.values().sum(),
        bars: counts
            .into_iter()
            .map(|(value, count)| FacetValue { value, count })
            .collect(),
    }
}

/// Counts matching documents per publication day in +08:00.
struct DayCounts;

struct SegmentDayCounts {
    published: Option<Column<tantivy::DateTime>>,
    offset_seconds: i64,
    days: BTreeMap<NaiveDate, u64>,
}

impl Collector for DayCounts {
    type Fruit = BTreeMap<NaiveDate, u64>;
    type Child = SegmentDayCounts;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentDayCounts> {
        Ok(SegmentDayCounts {
            published: reader.fast_fields().date("published").ok(),
            offset_seconds: i64::from(crate::read::pubdate::default_offset().local_minus_utc()),
            days: BTreeMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        fruits: Vec<BTreeMap<NaiveDate, u64>>,
    ) -> tantivy::Result<BTreeMap<NaiveDate, u64>> {
        let mut all = BTreeMap::new();
        for (day, n) in fruits.into_iter().flatten() {
            *all.entry(day).or_default() += n;
        }
        Ok(all)
    }
}

impl SegmentCollector for SegmentDayCounts {
    type Fruit = BTreeMap<NaiveDate, u64>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let Some(instant) = self.published.as_ref().and_then(|c| c.first(doc)) else {
            return;
        };
        let seconds = instant
            .into_timestamp_secs()
            .saturating_add(self.offset_seconds);
        if let Some(local) = DateTime::from_timestamp(seconds, 0) {
            *self.days.entry(local.date_naive()).or_default() += 1;
        }
    }

    fn harvest(self) -> BTreeMap<NaiveDate, u64> {
        self.days
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn weeks_start_on_monday_and_empty_weeks_are_zero_bars() {
        let days = BTreeMap::from([(day(2022, 3, 2), 2), (day(2022, 3, 20), 1)]);
        let t = bars(&days, Interval::Week);
        let got: Vec<(&str, u64)> = t.bars.iter().map(|b| (b.value.as_str(), b.count)).collect();
        assert_eq!(
            got,
            [("2022-02-28", 2), ("2022-03-07", 0), ("2022-03-14", 1)]
        );
        assert_eq!(t.total, 3);
    }

    #[test]
    fn months_fill_gaps_across_a_year_end() {
        let days = BTreeMap::from([(day(2021, 11, 30), 1), (day(2022, 2, 1), 4)]);
        let t = bars(&days, Interval::Month);
        let got: Vec<(&str, u64)> = t.bars.iter().map(|b| (b.value.as_str(), b.count)).collect();
        assert_eq!(
            got,
            [
                ("2021-11", 1),
                ("2021-12", 0),
                ("2022-01", 0),
                ("2022-02", 4)
            ]
        );
    }
}

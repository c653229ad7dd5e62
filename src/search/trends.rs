//! `newsidx trends`: how many matching articles each day, ISO week, month or year, and their
//! share of all articles of that period (attention as a ratio, so a busy week does not look
//! like interest), optionally split into one series per top source, category or entity.
//!
//! Everything is counted from fast fields (`published`, `published_offset`, `source`,
//! `categories`, the `entity` facet) by [`PeriodCounts`]; no stored document is read.
//! An article belongs to the period of its publication day **in its own offset** (the day its
//! `published` field shows), not in UTC or +08:00.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Instant;

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::{Serialize, Serializer};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use super::columns;
use super::ord_counts::{self, OrdTally};
use super::{SearchRequest, Searcher, elapsed_ms};
use crate::analyse::entities::EntityType;
use crate::error::Error;

/// Series shown by `--split` unless `--top` says otherwise.
pub const DEFAULT_TOP: usize = 5;
/// Upper bound for `--top` with `--split`.
pub const MAX_TOP: usize = 100;

/// The length of a period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Interval {
    Day,
    /// ISO 8601 week, Monday to Sunday, labelled `2021-W09` by its ISO year.
    Week,
    #[default]
    Month,
    Year,
}

impl Interval {
    /// The first day of the period holding `day`.
    pub fn start(self, day: NaiveDate) -> NaiveDate {
        match self {
            Interval::Day => day,
            Interval::Week => day - Days::new(u64::from(day.weekday().num_days_from_monday())),
            Interval::Month => day.with_day(1).unwrap_or(day),
            Interval::Year => day.with_ordinal(1).unwrap_or(day),
        }
    }

    /// The first day of the period after the one starting on `start`.
    pub fn next(self, start: NaiveDate) -> Option<NaiveDate> {
        match self {
            Interval::Day => start.checked_add_days(Days::new(1)),
            Interval::Week => start.checked_add_days(Days::new(7)),
            Interval::Month => start.checked_add_months(Months::new(1)),
            Interval::Year => start.checked_add_months(Months::new(12)),
        }
    }

    /// The period's name: `2021-03-05`, `2021-W09`, `2021-03` or `2021`.
    pub fn label(self, start: NaiveDate) -> String {
        match self {
            Interval::Day => start.format("%Y-%m-%d").to_string(),
            Interval::Week => {
                let week = start.iso_week();
                format!("{:04}-W{:02}", week.year(), week.week())
            }
            Interval::Month => start.format("%Y-%m").to_string(),
            Interval::Year => start.format("%Y").to_string(),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Interval::Day => "day",
            Interval::Week => "week",
            Interval::Month => "month",
            Interval::Year => "year",
        }
    }
}

impl FromStr for Interval {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "day" => Ok(Interval::Day),
            "week" => Ok(Interval::Week),
            "month" => Ok(Interval::Month),
            "year" => Ok(Interval::Year),
            _ => Err(format!("expected day, week, month or year, found '{text}'")),
        }
    }
}

/// What `--split` breaks the counts down by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    Source,
    Category,
    Entity(EntityType),
}

impl fmt::Display for Split {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Split::Source => f.write_str("source"),
            Split::Category => f.write_str("category"),
            Split::Entity(kind) => write!(f, "entity:{}", kind.as_str()),
        }
    }
}

impl FromStr for Split {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let t = text.trim();
        match t.to_ascii_lowercase().as_str() {
            "source" => return Ok(Split::Source),
            "category" => return Ok(Split::Category),
            _ => {}
        }
        let kind = t
            .strip_prefix("entity:")
            .ok_or_else(|| format!("expected source, category or entity:TYPE, found '{text}'"))?;
        kind.parse::<EntityType>()
            .map(Split::Entity)
            .map_err(|_| format!("expected entity:PER, ORG, LOC, PRODUCT or WORK, found '{text}'"))
    }
}

impl Serialize for Split {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// What to count.
#[derive(Debug, Clone, Default)]
pub struct TrendsRequest {
    /// Words and filters, as for `search` (limit, offset and sort are ignored).
    pub search: SearchRequest,
    pub by: Interval,
    pub split: Option<Split>,
    /// Series kept with `split`, the largest first.
    pub top: usize,
}

/// One period of a series.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodCount {
    /// `2021-03-05`, `2021-W09`, `2021-03` or `2021`.
    pub period: String,
    /// The period's first day.
    pub start: NaiveDate,
    /// Matching articles published in the period.
    pub count: u64,
    /// All articles published in the period (within `--since`/`--until`).
    pub all: u64,
    /// `count / all`, 0 when the period has no article.
    pub share: f64,
}

/// The counts of one source, category or entity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Series {
    pub value: String,
    /// Matching articles of this value over every period.
    pub total: u64,
    pub periods: Vec<PeriodCount>,
}

/// What `trends` found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trends {
    pub query: String,
    /// How the words were understood (as `search` shows it); empty without words.
    pub parsed: String,
    /// No article had every word; these are the articles with some.
    pub partial: bool,
    pub by: Interval,
    pub split: Option<Split>,
    /// Matching articles with a publication date.
    pub total: u64,
    /// Every article published in the periods shown.
    pub all: u64,
    /// `total / all`.
    pub share: f64,
    /// Matching articles without a publication date, in no period.
    pub undated: u64,
    pub took_ms: u64,
    /// Every period from the first to the last that holds an article, empty ones as zero.
    pub periods: Vec<PeriodCount>,
    /// With `split`: the `top` largest series, largest first (ties by value).
    pub series: Vec<Series>,
}

impl Searcher {
    /// Counts the articles `request` matches per period, against all articles per period.
    pub fn trends(&self, request: &TrendsRequest) -> Result<Trends, Error> {
        let started = Instant::now();
        let matching = self.matching(&request.search)?;
        let searcher = self.reader.searcher();
        let err = |e: tantivy::TantivyError| Error::Query(format!("trends count failed: {e}"));
        let collector = PeriodCounts {
            split: request.split,
            top: request.top.min(MAX_TOP),
        };
        let found = searcher
            .search(matching.query.as_ref(), &collector)
            .map_err(err)?;
        let everything = self.window_days(&request.search, &searcher)?;
        let by = request.by;
        let all = by_period(&everything, by);
        let periods = fill(&by_period(&found.days, by), &all, by);
        let series = match request.split {
            Some(_) => split_series(&found, &all, by, request.top.min(MAX_TOP)),
            None => Vec::new(),
        };
        let total: u64 = periods.iter().map(|p| p.count).sum();
        let all_total: u64 = periods.iter().map(|p| p.all).sum();
        Ok(Trends {
            query: request.search.query.clone(),
            parsed: matching.parsed,
            partial: matching.partial,
            by,
            split: request.split,
            total,
            all: all_total,
            share: ratio(total, all_total),
            undated: found.undated,
            took_ms: elapsed_ms(started),
            periods,
            series,
        })
    }

    /// Articles per day within the request's publication dates: the denominator of each
    /// share. Other filters do not apply, so `--source X` shows X's share of all coverage.
    /// It does not depend on the query, so the last window's counts are kept for the
    /// searcher's generation (a commit makes a new one): counting every article cost a trends
    /// request as much as its own query.
    fn window_days(
        &self,
        request: &SearchRequest,
        searcher: &tantivy::Searcher,
    ) -> Result<Arc<DayCounts>, Error> {
        let key = (
            searcher.generation().generation_id(),
            request.since,
            request.until,
        );
        let mut cached = self.window_days.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((k, days)) = cached.as_ref()
            && *k == key
        {
            return Ok(Arc::clone(days));
        }
        let window = SearchRequest {
            since: request.since,
            until: request.until,
            ..SearchRequest::default()
        };
        let query = self.matching(&window)?.query;
        let everything = searcher
            .search(
                query.as_ref(),
                &PeriodCounts {
                    split: None,
                    top: 0,
                },
            )
            .map_err(|e| Error::Query(format!("trends count failed: {e}")))?;
        let days = Arc::new(everything.days);
        *cached = Some((key, Arc::clone(&days)));
        Ok(days)
    }
}

/// Articles per publication day.
pub(crate) type DayCounts = HashMap<NaiveDate, u64>;
/// What a [`DayCounts`] of all articles was counted for: the searcher generation and the
/// `since`/`until` window.
pub(crate) type WindowKey = (u64, Option<NaiveDate>, Option<NaiveDate>);

/// `part / whole`, 0 for an empty whole.
fn ratio(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// Day counts summed into periods, keyed by each period's first day.
fn by_period(days: &HashMap<NaiveDate, u64>, by: Interval) -> HashMap<NaiveDate, u64> {
    let mut periods = HashMap::new();
    for (&day, &n) in days {
        *periods.entry(by.start(day)).or_default() += n;
    }
    periods
}

/// Every period from the first to the last of `all`, with its count (zero when absent).
fn fill(
    counts: &HashMap<NaiveDate, u64>,
    all: &HashMap<NaiveDate, u64>,
    by: Interval,
) -> Vec<PeriodCount> {
    let (Some(&first), Some(&last)) = (all.keys().min(), all.keys().max()) else {
        return Vec::new();
    };
    let mut periods = Vec::new();
    let mut start = first;
    while start <= last {
        let count = counts.get(&start).copied().unwrap_or(0);
        let whole = all.get(&start).copied().unwrap_or(0);
        periods.push(PeriodCount {
            period: by.label(start),
            start,
            count,
            all: whole,
            share: ratio(count, whole),
        });
        match by.next(start) {
            Some(next) => start = next,
            None => break,
        }
    }
    periods
}

/// The `top` values with the most matching articles, each as a full series.
fn split_series(
    found: &PeriodFruit,
    all: &HashMap<NaiveDate, u64>,
    by: Interval,
    top: usize,
) -> Vec<Series> {
    let mut totals: Vec<(&String, u64)> = found
        .split
        .iter()
        .map(|(value, days)| (value, days.values().sum()))
        .collect();
    totals.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    totals.truncate(top);
    totals
        .into_iter()
        .map(|(value, total)| {
            let days = found.split.get(value).cloned().unwrap_or_default();
            Series {
                value: value.clone(),
                total,
                periods: fill(&by_period(&days, by), all, by),
            }
        })
        .collect()
}

/// Counts documents per local publication day, and per day for each of the `top` values of
/// the split field with the most documents (ties by value).
pub struct PeriodCounts {
    pub split: Option<Split>,
    pub top: usize,
}

/// What [`PeriodCounts`] collects.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeriodFruit {
    /// Documents per publication day in their own offset.
    pub days: HashMap<NaiveDate, u64>,
    /// Per split value (the top values only): documents per day.
    pub split: HashMap<String, HashMap<NaiveDate, u64>>,
    /// Documents without a publication date.
    pub undated: u64,
}

impl PeriodFruit {
    fn merge(&mut self, other: PeriodFruit) {
        add_days(&mut self.days, other.days);
        for (value, days) in other.split {
            add_days(self.split.entry(value).or_default(), days);
        }
        self.undated += other.undated;
    }
}

fn add_days(into: &mut HashMap<NaiveDate, u64>, from: HashMap<NaiveDate, u64>) {
    for (day, n) in from {
        *into.entry(day).or_default() += n;
    }
}

/// The split field of one segment: its column, its documents per value, and each dated
/// document's `(ordinal, day)` pairs, turned into series once the top values are known.
pub struct SplitCounts {
    column: StrColumn,
    tally: OrdTally,
    hits: Vec<(u64, i64)>,
}

pub struct SegmentPeriodCounts {
    published: Option<Column<tantivy::DateTime>>,
    offset: Option<Column<i64>>,
    split: Option<SplitCounts>,
    /// Days since the epoch -> documents.
    days: HashMap<i64, u64>,
    undated: u64,
    /// Reused per document: the ordinals of the split field.
    ords: Vec<u64>,
}

/// What a segment hands to [`PeriodCounts::merge_fruits`]: its day counts, and its split
/// counts still as ordinals.
pub struct SegmentPeriodFruit {
    fruit: PeriodFruit,
    split: Option<SplitCounts>,
}

/// Seconds east of UTC assumed for a document without a stored offset (+08:00).
fn default_offset_seconds() -> i64 {
    i64::from(crate::read::pubdate::default_offset().local_minus_utc())
}

impl Collector for PeriodCounts {
    type Fruit = PeriodFruit;
    type Child = SegmentPeriodCounts;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentPeriodCounts> {
        let split = match self.split {
            None => None,
            Some(split) => split_counts(reader, split)?,
        };
        Ok(SegmentPeriodCounts {
            published: columns::published(reader),
            offset: columns::signed(reader, "published_offset"),
            split,
            days: HashMap::new(),
            undated: 0,
            ords: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<SegmentPeriodFruit>) -> tantivy::Result<PeriodFruit> {
        let mut all = PeriodFruit::default();
        let mut splits = Vec::new();
        for segment in fruits {
            all.merge(segment.fruit);
            splits.extend(segment.split);
        }
        let tallies: Vec<&OrdTally> = splits.iter().map(|s| &s.tally).collect();
        let values: Vec<String> = ord_counts::top_values(&tallies, self.top)?
            .into_iter()
            .map(|(value, _)| value)
            .collect();
        let mut series = vec![HashMap::new(); values.len()];
        for split in &splits {
            split.add_days(&values, &mut series)?;
        }
        all.split = values.into_iter().zip(series).collect();
        Ok(all)
    }
}

impl SplitCounts {
    /// Adds this segment's documents per day of each of `values` to its series.
    fn add_days(
        &self,
        values: &[String],
        series: &mut [HashMap<NaiveDate, u64>],
    ) -> std::io::Result<()> {
        let mut slot: HashMap<u64, usize> = HashMap::new();
        for (i, value) in values.iter().enumerate() {
            if let Some(ord) = self.tally.ord_of(value)? {
                slot.insert(ord, i);
            }
        }
        let mut by_day: HashMap<(usize, i64), u64> = HashMap::new();
        for (ord, day) in &self.hits {
            if let Some(&i) = slot.get(ord) {
                *by_day.entry((i, *day)).or_default() += 1;
            }
        }
        for ((i, day), n) in by_day {
            if let (Some(days), Some(date)) = (series.get_mut(i), epoch_day(day)) {
                *days.entry(date).or_default() += n;
            }
        }
        Ok(())
    }
}

/// The column `split` reads in this segment, with a tally of the values that count.
fn split_counts(reader: &SegmentReader, split: Split) -> tantivy::Result<Option<SplitCounts>> {
    let (name, prefix) = match split {
        Split::Source => ("source", Vec::new()),
        Split::Category => ("categories", Vec::new()),
        // Facets are stored as `TYPE\0name`; one type's values are one sorted run.
        Split::Entity(kind) => ("entity", [kind.as_str().as_bytes(), &[0]].concat()),
    };
    let Some((column, table)) = columns::text_with_values(reader, name)? else {
        return Ok(None);
    };
    let tally = OrdTally::new(Some(table), &prefix);
    Ok(Some(SplitCounts {
        column,
        tally,
        hits: Vec::new(),
    }))
}

impl SegmentCollector for SegmentPeriodCounts {
    type Fruit = SegmentPeriodFruit;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let Some(instant) = self.published.as_ref().and_then(|c| c.first(doc)) else {
            self.undated += 1;
            return;
        };
        let offset = self
            .offset
            .as_ref()
            .and_then(|c| c.first(doc))
            .unwrap_or_else(default_offset_seconds);
        let day = (instant.into_timestamp_secs() + offset).div_euclid(86_400);
        *self.days.entry(day).or_default() += 1;
        let Some(split) = &mut self.split else { return };
        self.ords.clear();
        self.ords.extend(split.column.term_ords(doc));
        self.ords.sort_unstable();
        self.ords.dedup();
        for &ord in &self.ords {
            if split.tally.add(ord) {
                split.hits.push((ord, day));
            }
        }
    }

    fn harvest(self) -> SegmentPeriodFruit {
        let mut fruit = PeriodFruit {
            undated: self.undated,
            ..PeriodFruit::default()
        };
        for (day, n) in self.days {
            if let Some(date) = epoch_day(day) {
                *fruit.days.entry(date).or_default() += n;
            }
        }
        SegmentPeriodFruit {
            fruit,
            split: self.split,
        }
    }
}

/// Days since 1970-01-01 as a date.
fn epoch_day(day: i64) -> Option<NaiveDate> {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1)?;
    let days = Days::new(day.unsigned_abs());
    if day >= 0 {
        epoch.checked_add_days(days)
    } else {
        epoch.checked_sub_days(days)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn periods_start_and_are_named_by_their_first_day() {
        // 2021-01-03 is a Sunday in ISO week 2020-W53.
        assert_eq!(Interval::Week.start(d(2021, 1, 3)), d(2020, 12, 28));
        assert_eq!(Interval::Week.label(d(2020, 12, 28)), "2020-W53");
        assert_eq!(Interval::Week.start(d(2021, 1, 4)), d(2021, 1, 4));
        assert_eq!(Interval::Week.label(d(2021, 1, 4)), "2021-W01");
        assert_eq!(Interval::Month.start(d(2021, 2, 28)), d(2021, 2, 1));
        assert_eq!(Interval::Month.label(d(2021, 2, 1)), "2021-02");
        assert_eq!(Interval::Year.start(d(2021, 7, 9)), d(2021, 1, 1));
        assert_eq!(Interval::Year.label(d(2021, 1, 1)), "2021");
        assert_eq!(Interval::Day.label(d(2021, 7, 9)), "2021-07-09");
    }

    #[test]
    fn next_period() {
        assert_eq!(Interval::Day.next(d(2021, 2, 28)), Some(d(2021, 3, 1)));
        assert_eq!(Interval::Week.next(d(2020, 12, 28)), Some(d(2021, 1, 4)));
        assert_eq!(Interval::Month.next(d(2021, 12, 1)), Some(d(2022, 1, 1)));
        assert_eq!(Interval::Year.next(d(2021, 1, 1)), Some(d(2022, 1, 1)));
    }

    #[test]
    fn split_and_interval_parse_as_written_on_the_command_line() {
        assert_eq!("source".parse(), Ok(Split::Source));
        assert_eq!("category".parse(), Ok(Split::Category));
        assert_eq!("entity:ORG".parse(), Ok(Split::Entity(EntityType::Org)));
        assert_eq!(Split::Entity(EntityType::Per).to_string(), "entity:PER");
        assert!("entity:".parse::<Split>().is_err());
        assert!("tag".parse::<Split>().is_err());
        assert_eq!("week".parse(), Ok(Interval::Week));
        assert!("fortnight".parse::<Interval>().is_err());
    }

    #[test]
    fn fill_counts_every_period_between_the_first_and_last_of_the_corpus() {
        let all = HashMap::from([(d(2021, 1, 1), 4), (d(2021, 4, 1), 2)]);
        let found = HashMap::from([(d(2021, 1, 1), 1)]);
        let periods = fill(&found, &all, Interval::Month);
        let rows: Vec<(&str, u64, u64, f64)> = periods
            .iter()
            .map(|p| (p.period.as_str(), p.count, p.all, p.share))
            .collect();
        assert_eq!(
            rows,
            vec![
                ("2021-01", 1, 4, 0.25),
                ("2021-02", 0, 0, 0.0),
                ("2021-03", 0, 0, 0.0),
                ("2021-04", 0, 2, 0.0),
            ]
        );
        assert!(fill(&found, &HashMap::new(), Interval::Month).is_empty());
    }

    #[test]
    fn epoch_days_both_sides_of_1970() {
        assert_eq!(epoch_day(0), Some(d(1970, 1, 1)));
        assert_eq!(epoch_day(-1), Some(d(1969, 12, 31)));
        assert_eq!(epoch_day(18_628), Some(d(2021, 1, 1)));
    }
}

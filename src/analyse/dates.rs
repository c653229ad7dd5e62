//! Date-mention extraction for Chinese news text.
//!
//! The extractor works in two passes over a normalised character array:
//! 1. a scanner recognises date expressions (numbers with date units, relative words, ranges)
//!    and produces unresolved [`Expr`] values with their char spans;
//! 2. a resolver turns each expression into a calendar period, in text order, using the
//!    publication date and the previous mentions as context (`当天`, `17日`, `同年`).
//!
//! Each scan step is bounded (numbers, spaces and keywords have a maximum length), so the whole
//! pass is linear in the input length.

use std::cell::Cell;

use chrono::{Datelike, Duration, Months, NaiveDate, Weekday};
use serde::Serialize;

mod calendar;
mod cues;
mod forms;

use calendar::Feast;
use cues::Cue;

/// One date mention found in a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DateMention {
    /// Exactly as written (spaces kept).
    pub text: String,
    /// Byte offset in the input text.
    pub start: usize,
    /// Byte offset (exclusive) in the input text.
    pub end: usize,
    /// First day of the period.
    pub value: NaiveDate,
    /// Last day of the period (equal to `value` for a day).
    pub end_value: NaiveDate,
    pub granularity: Granularity,
    /// Time of day (`HH:MM`, 24-hour) when the text gives one (`今晨6时20分`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// Which side of the period the text leaves open: `X之前`/`截至X` open the start, `X以来`/`X起`
    /// the end. `value`/`end_value` stay the period of `X` itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open: Option<Open>,
}

/// The open side of a span such as `2019年以来` (end) or `9月17日前` (start).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Open {
    Start,
    End,
}

impl DateMention {
    /// The days the mention counts as mentioning in the index: the period itself, or for an
    /// open span every day from the period up to the publication day (`2019年以来`, `8月起`
    /// told after August) or from the publication day up to the period (`12月31日前` told
    /// before it). A span open towards the far side of the publication day has no end we know,
    /// so only its own period counts.
    pub fn indexed_span(&self, published: Option<NaiveDate>) -> (NaiveDate, NaiveDate) {
        let (a, b) = (self.value, self.end_value);
        match (self.open, published) {
            (Some(Open::End), Some(p)) if a <= p => (a, b.max(p)),
            (Some(Open::Start), Some(p)) if b >= p => (a.min(p), b),
            _ => (a, b),
        }
    }
}

/// The size of the period a mention denotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Granularity {
    Year,
    Half,
    Quarter,
    Month,
    PartOfMonth,
    Week,
    Day,
    /// A day with a time of day to the hour (`下午3点`).
    Hour,
    /// A day with a time of day to the minute (`09:15`, `九点半`).
    Minute,
    Decade,
    Century,
    /// A span that is not one calendar unit: rolling windows (`近半年`), holiday periods.
    Range,
}

/// Mentions in text order. `published` is the article's local publication date; without it only
/// self-contained dates (with an explicit year) are returned.
pub fn extract_dates(text: &str, published: Option<NaiveDate>) -> Vec<DateMention> {
    let sc = Scanner::new(text);
    let found = sc.scan();
    let mut res = Resolver {
        published,
        last_day: None,
        last_month: None,
        last_year: None,
        cue: Cue::None,
    };
    let mut out = Vec::new();
    for f in found {
        res.cue = f.cue;
        let mut push = |res: &mut Resolver, s: usize, e: usize, p: Period, whole: bool| {
            let (Some(&start), Some(&end)) = (sc.off.get(s), sc.off.get(e)) else {
                return;
            };
            res.remember(p);
            let time = f.time.filter(|_| whole && p.2 == Granularity::Day);
            let granularity = match time {
                Some(t) if t.minute_given => Granularity::Minute,
                Some(_) => Granularity::Hour,
                None => p.2,
            };
            out.push(DateMention {
                text: text.get(start..end).unwrap_or_default().to_string(),
                start,
                end,
                value: p.0,
                end_value: p.1,
                granularity,
                time: time.map(|t| format!("{:02}:{:02}", t.hour, t.minute)),
                open: if whole { f.open } else { None },
            });
        };
        match &f.expr {
            Expr::Range(a, b, a_end, b_start) => {
                if let Some(p) = res.range(a, b) {
                    push(&mut res, f.start, f.end, p, true);
                } else {
                    // Not a valid range: fall back to its two ends as separate mentions.
                    if *a_end != NO_SPLIT
                        && let Some(p) = res.resolve(a)
                    {
                        push(&mut res, f.start, *a_end, p, false);
                    }
                    if *b_start != NO_SPLIT
                        && let Some(p) = res.resolve(b)
                    {
                        push(&mut res, *b_start, f.end, p, false);
                    }
                }
            }
            e => {
                if let Some(p) = res.resolve(e) {
                    push(&mut res, f.start, f.end, p, true);
                }
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------------------------

/// Which year a calendar expression is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum YearRef {
    /// Written out (`2021年`).
    Abs(i32),
    /// Relative to the publication year (`今年` 0, `去年` -1, `明年` 1).
    Rel(i32),
    /// Relative to the year of the previous mention (`同年` 0, `次年` 1).
    Ctx(i32),
    /// Two digits (`19年`, `八五年`): the century that puts it at most ten years after the
    /// publication year.
    Short(u32),
    /// Not said: the year that puts the period nearest the publication date.
    Free,
}

/// A period inside a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Year,
    Half(u8),
    Quarters(u8, u8),
    Month(u32),
    /// Month part: 0 = days 1-10, 1 = 11-20, 2 = 21-last, 3 = 1-20 (`上中旬`), 4 = 11-last (`中下旬`).
    MonthPart(u32, u8),
    Day(u32, u32),
    /// ISO week `n` of the year (`2021年第10周`).
    Week(u32),
    /// Week `n` of a month (`9月第二周`): the first Monday-to-Sunday week with four days in it.
    MonthWeek(u32, u32),
    /// A holiday, lunar date or solar term: its day in the year.
    Feast(Feast),
    /// A holiday period (`国庆长假`): `days` days from the feast day shifted by `from`.
    FeastPeriod(Feast, i8, u8),
    /// `年初` (0), `年中` (1), `年底` (2) without a year: the months choose the year, the
    /// mention is the whole year (qualifiers do not narrow a year, see README).
    YearPart(u8),
}

/// A month given relative to the publication month (`本月`) or to the previous mention (`当月`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MonthShift {
    Rel(i32),
    Ctx(i32),
    /// `月底` alone: the publication month, or the next/previous one when a tense cue says the
    /// part is on the other side of the publication day.
    Bare,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum InMonth {
    Whole,
    Part(u8),
    Day(u32),
    Week(u32),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AgoUnit {
    Day,
    Week,
    Month,
    Year,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Expr {
    Cal(YearRef, Unit),
    RelMonth(MonthShift, InMonth),
    RelQuarter(i32),
    /// `17日` without a month.
    BareDay(u32),
    /// `昨天` (-1), `今天` (0), ...
    RelDay(i32),
    /// `当天` (0), `次日` (1): relative to the previous day mention.
    CtxDay(i32),
    /// `上周` (-1): the whole week, Monday to Sunday.
    Week(i32),
    /// `本周三` (Some(0), 2) or a bare `周三` (None, 2); weekday 0 = Monday.
    WeekDay(Option<i32>, u32),
    /// `3天前` (-3, Day), `2个月后` (2, Month).
    Ago(i32, AgoUnit),
    /// `七十年代`: decade 7 of a century.
    Decade(CenturyRef, u32),
    /// `20世纪`, `上世纪`.
    Century(CenturyRef),
    /// A rolling window: `近半年`, `未来一周`, `30天内`.
    Window(WindowDir, Length),
    /// Days around the publication day, first and last offset (`前几天` -7..-1).
    Around(i32, i32),
    /// Two ends; char index where the first ends and where the second starts, or [`NO_SPLIT`]
    /// when that end is not a mention on its own (`1-3月`: `1` is not a date).
    Range(Box<Expr>, Box<Expr>, usize, usize),
    /// Recognised and consumed, but not a date (`今日头条`, `周一至周五`).
    Nothing,
}

/// Which century a decade or century expression is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CenturyRef {
    /// `20世纪` (20).
    Abs(i32),
    /// `上世纪` (-1), `本世纪` (0), relative to the publication year's century.
    Rel(i32),
    /// Not said: the latest such decade that starts no later than the publication year.
    Free,
}

/// Which way a rolling window runs from the publication day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WindowDir {
    /// `近`, `过去`, `以来`: the window ends on the publication day.
    Back,
    /// `未来`, `今后`: the window starts the day after.
    Forward,
    /// `N天内`: forward unless a past cue says otherwise.
    Within,
}

/// Length of a rolling window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Length {
    Days(u32),
    Months(u32),
}

/// See [`Expr::Range`].
const NO_SPLIT: usize = usize::MAX;

/// A time of day after a day (`6时20分`, `晚上九点半`), 24-hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Time {
    hour: u32,
    minute: u32,
    minute_given: bool,
}

struct Found {
    start: usize,
    end: usize,
    expr: Expr,
    time: Option<Time>,
    open: Option<Open>,
    cue: Cue,
}

// ---------------------------------------------------------------------------------------------
// Scanner
// ---------------------------------------------------------------------------------------------

/// Maximum number of white-space characters allowed between the parts of one expression.
const MAX_SPACES: usize = 3;

struct Scanner {
    /// Nesting of [`Scanner::primary`] calls (a range end may itself try a range): kept small so
    /// that inputs like `2021年1-2021年1-...` cannot recurse deeply.
    depth: Cell<u8>,
    c: Vec<char>,
    /// Byte offset of each char, plus the text length at the end.
    off: Vec<usize>,
}

/// Full-width digits and punctuation folded to ASCII (char-for-char, so offsets are kept).
fn fold(ch: char) -> char {
    match ch {
        '０'..='９' => char::from_u32(ch as u32 - '０' as u32 + '0' as u32).unwrap_or(ch),
        '－' | '‐' | '‑' | '﹣' => '-',
        '／' => '/',
        '．' => '.',
        '～' | '〜' => '~',
        'Ｑ' | 'ｑ' => 'Q',
        'q' => 'Q',
        '（' => '(',
        '）' => ')',
        '：' => ':',
        _ => ch,
    }
}

fn is_space(ch: char) -> bool {
    matches!(ch, ' ' | '\u{3000}' | '\u{a0}' | '\t')
}

fn is_cn_digit(ch: char) -> bool {
    matches!(
        ch,
        '〇' | '零'
            | '一'
            | '二'
            | '三'
            | '四'
            | '五'
            | '六'
            | '七'
            | '八'
            | '九'
            | '十'
            | '廿'
            | '两'
    )
}

fn cn_value(ch: char) -> Option<u32> {
    Some(match ch {
        '〇' | '零' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

/// Chars that glue a following relative word into another word (`此前`, `目前`, `以后`).
fn compound_before(c: char) -> bool {
    "此之以目日提事空当面向门眼跟最往然随其背落先而午年月天周前后今不相每多几首这那上下本层如"
        .contains(c)
}

fn is_cjk(ch: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&ch) || ('\u{3400}'..='\u{4dbf}').contains(&ch)
}

fn weekday_char(ch: char) -> Option<u32> {
    Some(match ch {
        '一' => 0,
        '二' => 1,
        '三' => 2,
        '四' => 3,
        '五' => 4,
        '六' => 5,
        '日' | '天' => 6,
        _ => return None,
    })
}

/// A number read from the text.
#[derive(Debug, Clone, Copy)]
struct Num {
    v: u32,
    end: usize,
    /// Number of ASCII digits; 0 for Chinese numerals.
    digits: usize,
    /// Chinese numerals written digit by digit (`二〇二一`), more than one char.
    cn_digitwise: bool,
    /// Uses `两` (only for quantities such as `两天前`).
    liang: bool,
}

const SEPS: &[&str] = &["——", "至", "到", "-", "~", "—", "–"];
const DAY_PARTS: &[&str] = &[
    "上午", "下午", "中午", "晚上", "晚间", "早上", "早间", "凌晨", "傍晚", "深夜", "夜间", "午间",
    "清晨", "午后", "晚", "早", "夜",
];
/// Words before a number that make it a quantity or an ordinal rather than a date.
const NUM_PREFIX_STOP: &[char] = &['第', '每', '近', '约', '逾', '超', '满'];

impl Scanner {
    fn new(text: &str) -> Self {
        let mut c = Vec::with_capacity(text.len() / 2);
        let mut off = Vec::with_capacity(text.len() / 2 + 1);
        for (b, ch) in text.char_indices() {
            c.push(fold(ch));
            off.push(b);
        }
        off.push(text.len());
        Scanner {
            depth: Cell::new(0),
            c,
            off,
        }
    }

    fn at(&self, i: usize) -> char {
        self.c.get(i).copied().unwrap_or('\0')
    }

    fn prev(&self, i: usize) -> char {
        if i == 0 { '\0' } else { self.at(i - 1) }
    }

    /// The char before `i`, skipping a few spaces.
    fn prev_nonspace(&self, i: usize) -> char {
        let mut j = i;
        let mut n = 0;
        while j > 0 && n <= MAX_SPACES && is_space(self.c[j - 1]) {
            j -= 1;
            n += 1;
        }
        self.prev(j)
    }

    fn lit(&self, i: usize, s: &str) -> Option<usize> {
        let mut j = i;
        for ch in s.chars() {
            if self.at(j) != ch {
                return None;
            }
            j += 1;
        }
        Some(j)
    }

    fn any(&self, i: usize, words: &[&str]) -> Option<usize> {
        words.iter().find_map(|w| self.lit(i, w))
    }

    fn sp(&self, i: usize) -> usize {
        let mut j = i;
        while j < i + MAX_SPACES && is_space(self.at(j)) {
            j += 1;
        }
        j
    }

    /// Whether a number may start at `i` (not inside a longer token or an identifier).
    fn num_start_ok(&self, i: usize) -> bool {
        let p = self.prev(i);
        if self.at(i).is_ascii_digit() {
            if p.is_ascii_alphanumeric() || ".-/_+#@%$¥￥".contains(p) {
                return false;
            }
            // `12:15`, `3,000`: part of a time or a grouped number (a year after `图 2：` is fine).
            if matches!(p, ':' | ',') && self.prev(i - 1).is_ascii_digit() {
                let digits = (i..i + 5)
                    .take_while(|&j| self.at(j).is_ascii_digit())
                    .count();
                if digits != 4 {
                    return false;
                }
            }
        } else if is_cn_digit(p) || "统唯之个几数半同单整逐这那哪某星礼周初其专万千百".contains(p)
        {
            return false;
        }
        // `每月1日`, `每年3月`, `个月`: recurring or a quantity, not a date.
        if matches!(p, '月') || (matches!(p, '年' | '周') && i >= 2 && self.at(i - 2) == '每') {
            return false;
        }
        !NUM_PREFIX_STOP.contains(&self.prev_nonspace(i))
    }

    fn num(&self, i: usize) -> Option<Num> {
        let ch = self.at(i);
        if ch.is_ascii_digit() {
            let mut j = i;
            let mut v: u32 = 0;
            while self.at(j).is_ascii_digit() {
                if j - i < 6 {
                    v = v * 10 + (self.at(j) as u32 - '0' as u32);
                }
                j += 1;
            }
            let digits = j - i;
            if digits > 4 {
                return None;
            }
            return Some(Num {
                v,
                end: j,
                digits,
                cn_digitwise: false,
                liang: false,
            });
        }
        if !is_cn_digit(ch) {
            return None;
        }
        let mut j = i;
        while is_cn_digit(self.at(j)) && j - i <= 5 {
            j += 1;
        }
        let len = j - i;
        if len > 5 {
            return None;
        }
        let s = &self.c[i..j];
        let liang = s.contains(&'两');
        let positional = s.iter().any(|&c| c == '十' || c == '廿');
        let v = if positional {
            // [a]十[b] or 廿[b]
            let (tens, rest) = match s {
                ['十', rest @ ..] => (1, rest),
                ['廿', rest @ ..] => (2, rest),
                [a, '十', rest @ ..] => (cn_value(*a)?, rest),
                _ => return None,
            };
            let ones = match rest {
                [] => 0,
                [b] => cn_value(*b)?,
                _ => return None,
            };
            tens * 10 + ones
        } else {
            let mut v = 0u32;
            for &c in s {
                v = v * 10 + cn_value(c)?;
            }
            v
        };
        Some(Num {
            v,
            end: j,
            digits: 0,
            cn_digitwise: !positional && len > 1,
            liang,
        })
    }

    /// A number usable as a month or day: 1..=max, not `两`, not digit-wise Chinese.
    fn small(&self, i: usize, max: u32) -> Option<Num> {
        let n = self.num(i)?;
        if n.liang || n.cn_digitwise || n.v == 0 || n.v > max || n.digits > 2 {
            return None;
        }
        Some(n)
    }

    /// `9月`, `九月`, `7 月份` -> (month, index after 月/份).
    fn month_at(&self, i: usize) -> Option<(u32, usize)> {
        let n = self.small(i, 12)?;
        let j = self.lit(self.sp(n.end), "月")?;
        if "薪租费供票球亮光饼卡".contains(self.at(j)) || (n.digits == 0 && self.at(j) == '天')
        {
            return None;
        }
        Some((n.v, self.lit(j, "份").unwrap_or(j)))
    }

    /// `17日`, `17 号`, `十七日` -> (day, index after 日/号).
    fn day_at(&self, i: usize) -> Option<(u32, usize)> {
        let n = self.small(i, 31)?;
        let j = self.any(self.sp(n.end), &["日", "号"])?;
        Some((n.v, j))
    }

    fn sep_at(&self, i: usize) -> Option<usize> {
        self.any(self.sp(i), SEPS).map(|j| self.sp(j))
    }

    fn scan(&self) -> Vec<Found> {
        let mut out = Vec::new();
        let n = self.c.len();
        let mut i = 0;
        while i < n {
            if let Some(f) = self.expression(i) {
                i = f.end.max(i + 1);
                out.push(f);
            } else {
                i += 1;
            }
        }
        out
    }

    fn may_start(&self, ch: char) -> bool {
        ch.is_ascii_digit()
            || is_cn_digit(ch)
            || "今昨前明后当同次翌去本上下这周星礼第Q大近最过未接年月农正腊冬再半".contains(ch)
            || calendar::may_start(ch)
    }

    /// A full expression at `i`: a point, possibly a range, then qualifiers, a time of day, the
    /// open side and the tense cue of its clause.
    fn expression(&self, i: usize) -> Option<Found> {
        if !self.may_start(self.at(i)) {
            return None;
        }
        let (mut end, mut expr) = self.primary(i, false)?;
        let found = |end: usize, expr: Expr, time: Option<Time>, open: Option<Open>| Found {
            start: i,
            end,
            cue: self.cue(i, end),
            expr,
            time,
            open,
        };
        if matches!(expr, Expr::Nothing) {
            return Some(found(end, expr, None, None));
        }
        let (e, mut time) = self.day_suffix(&expr, end);
        end = e;
        // Range to a second point.
        if !matches!(expr, Expr::Range(..))
            && let Some(k) = self.sep_at(end)
            && let Some((e2, b)) = self.primary(k, true)
            && Self::rangeable(&expr, &b)
        {
            let (e2, _) = self.day_suffix(&b, e2);
            expr = Expr::Range(Box::new(expr), Box::new(b), end, k);
            end = e2;
            time = None;
        }
        end = self.period_suffix(&expr, end);
        let mut open = self.open_before(i);
        if let Some((j, o)) = self.qualifier(end) {
            end = j;
            open = o.or(open);
        }
        let time = time.map(|(t, at)| self.to_24h(i, at, t));
        Some(found(end, expr, time, open))
    }

    /// `末`, `底`, `初` after a quarter or a half (`三季度末`): kept in the mention, same period.
    fn period_suffix(&self, e: &Expr, end: usize) -> usize {
        match e {
            Expr::Cal(_, Unit::Quarters(..) | Unit::Half(_)) | Expr::RelQuarter(_) => {
                self.any(end, &["末", "底", "初"]).unwrap_or(end)
            }
            _ => end,
        }
    }

    /// After a day: a weekday in brackets (`9月17日（周五）`), a part of the day (`晚间`) and a
    /// time of day (`9时20分`), returned with the char index where the time starts.
    fn day_suffix(&self, e: &Expr, mut end: usize) -> (usize, Option<(Time, usize)>) {
        let mut time = None;
        if Self::is_day_like(e) {
            if let Some(j) = self.weekday_note(end) {
                end = j;
            }
            if let Some(j) = self.day_part(end) {
                end = j;
            }
            if let Some((j, t)) = self.time_at(end) {
                time = Some((t, end));
                end = j;
            }
        }
        (end, time)
    }

    fn is_day_like(e: &Expr) -> bool {
        match e {
            Expr::Cal(_, Unit::Day(..))
            | Expr::RelMonth(_, InMonth::Day(_))
            | Expr::BareDay(_)
            | Expr::RelDay(_)
            | Expr::CtxDay(_)
            | Expr::WeekDay(..) => true,
            Expr::Range(_, b, ..) => Self::is_day_like(b),
            _ => false,
        }
    }

    fn rangeable(a: &Expr, b: &Expr) -> bool {
        matches!(
            (a, b),
            (Expr::Cal(..), Expr::Cal(..))
                | (Expr::Cal(_, Unit::Day(..)), Expr::BareDay(_))
                | (Expr::RelMonth(_, InMonth::Day(_)), Expr::BareDay(_))
                | (Expr::RelMonth(..), Expr::RelMonth(..))
                | (
                    Expr::RelDay(_) | Expr::WeekDay(..),
                    Expr::RelDay(_) | Expr::WeekDay(..)
                )
                | (Expr::BareDay(_), Expr::BareDay(_))
        )
    }

    /// `（周五）`, ` 星期五`, `(星期五)` after a day.
    fn weekday_note(&self, i: usize) -> Option<usize> {
        let mut j = self.sp(i);
        let open = self.at(j) == '(';
        if open {
            j = self.sp(j + 1);
        }
        let k = self.any(j, &["周", "星期", "礼拜"])?;
        weekday_char(self.at(k))?;
        let mut e = k + 1;
        if open {
            let c = self.sp(e);
            if self.at(c) != ')' {
                return None;
            }
            e = c + 1;
        }
        Some(e)
    }

    /// `晚`, `上午` after a day.
    fn day_part(&self, i: usize) -> Option<usize> {
        let j = self.any(i, DAY_PARTS)?;
        let single = j == i + 1;
        if single && "已就在于些年期点".contains(self.at(j)) {
            return None;
        }
        Some(j)
    }

    /// One point (or a range written with a shared unit such as `1-3月`).
    /// `in_range`: the second end of a range, where boundary checks are relaxed.
    fn primary(&self, i: usize, in_range: bool) -> Option<(usize, Expr)> {
        let depth = self.depth.get();
        if depth >= 3 {
            return None;
        }
        self.depth.set(depth + 1);
        let r = self.primary_inner(i, in_range);
        self.depth.set(depth);
        r
    }

    fn primary_inner(&self, i: usize, in_range: bool) -> Option<(usize, Expr)> {
        let ch = self.at(i);
        if let Some(r) = self.feast_at(i, YearRef::Free) {
            return Some(r);
        }
        if let Some(r) = self.keyword(i) {
            return Some(r);
        }
        if !(ch.is_ascii_digit() || is_cn_digit(ch)) {
            return None;
        }
        if ch.is_ascii_digit()
            && let Some(r) = self.compact_date(i)
        {
            return Some(r);
        }
        if !in_range && !self.num_start_ok(i) {
            return None;
        }
        let n = self.num(i)?;
        // Explicit year.
        if let Some(r) = self.explicit_year(i, n) {
            return Some(r);
        }
        // `3天前`, `两个月后`.
        if let Some(r) = self.ago(n) {
            return Some(r);
        }
        if let Some(r) = self.century_number(n) {
            return Some(r);
        }
        if let Some(r) = self.decade_at(i, CenturyRef::Free) {
            return Some(r);
        }
        if let Some(r) = self.short_year(i, n) {
            return Some(r);
        }
        if let Some(r) = self.window_number(i) {
            return Some(r);
        }
        if let Some(r) = self.month_day_numeric(i, n) {
            return Some(r);
        }
        if let Some(r) = self.month_chain(i, YearRef::Free) {
            return Some(r);
        }
        if let Some((q1, q2, e)) = self.quarter_at(i) {
            return Some((e, Expr::Cal(YearRef::Free, Unit::Quarters(q1, q2))));
        }
        // `17日` (ASCII digits, `日` only).
        if n.digits > 0 && n.digits <= 2 && (1..=31).contains(&n.v) {
            let j = self.sp(n.end);
            // `2日涨幅`, `3日内`: a number of days, not a day of the month.
            let next = self.at(j + 1);
            if self.at(j) == '日' && !"内游均线累涨跌连龄".contains(next) {
                return Some((j + 1, Expr::BareDay(n.v)));
            }
        }
        if !in_range {
            return self.bare_range(n, YearRef::Free, None);
        }
        None
    }

    /// `1-3月`, `2021-2022年`, `28-30日`, `一至三季度`: a bare number, a separator and a point.
    /// `month`: the month already read (`9月28-30日`).
    fn bare_range(&self, n: Num, yr: YearRef, month: Option<u32>) -> Option<(usize, Expr)> {
        let k = self.sep_at(n.end)?;
        let (e, b) = self.primary(k, true)?;
        let with_year = |y: YearRef| if y == YearRef::Free { yr } else { y };
        let a = match (&b, month) {
            (Expr::BareDay(d), Some(m)) if n.v >= 1 && n.v <= *d && !n.liang => {
                let b = Expr::Cal(yr, Unit::Day(m, *d));
                let a = Expr::Cal(yr, Unit::Day(m, n.v));
                return Some((e, Expr::Range(Box::new(a), Box::new(b), NO_SPLIT, k)));
            }
            (_, Some(_)) => return None,
            (Expr::Cal(YearRef::Abs(_), Unit::Year), _)
                if n.digits == 4 && (1800..=2199).contains(&n.v) =>
            {
                Expr::Cal(YearRef::Abs(n.v as i32), Unit::Year)
            }
            (Expr::Cal(y, Unit::Month(_)), _) if *y == YearRef::Free && (1..=12).contains(&n.v) => {
                Expr::Cal(yr, Unit::Month(n.v))
            }
            (Expr::Cal(y, Unit::Quarters(q, _)), _)
                if (1..=4).contains(&n.v) && n.v <= *q as u32 =>
            {
                let y = with_year(*y);
                let q2 = *q;
                return Some((e, Expr::Cal(y, Unit::Quarters(n.v as u8, q2))));
            }
            (Expr::BareDay(_), _) if (1..=31).contains(&n.v) && n.digits > 0 => Expr::BareDay(n.v),
            _ => return None,
        };
        if n.liang || n.cn_digitwise && n.digits == 0 && !matches!(a, Expr::Cal(_, Unit::Year)) {
            return None;
        }
        let b = match b {
            Expr::Cal(y, u) => Expr::Cal(with_year(y), u),
            other => other,
        };
        Some((e, Expr::Range(Box::new(a), Box::new(b), NO_SPLIT, k)))
    }

    /// `2021年...`, `二〇二一年`, `2021-09-17`, `2021Q3`.
    fn explicit_year(&self, i: usize, n: Num) -> Option<(usize, Expr)> {
        let four = (n.digits == 4 || (n.cn_digitwise && n.end - i == 4)) && !n.liang;
        if !four || !(1800..=2199).contains(&n.v) {
            return None;
        }
        let y = n.v as i32;
        let j = self.sp(n.end);
        if self.at(j) == '年' && !"龄级薪代".contains(self.at(j + 1)) {
            return Some(self.after_year(j + 1, YearRef::Abs(y)));
        }
        // `2023财年`: taken as the calendar year (fiscal years differ by company).
        if let Some(e) = self.lit(j, "财年") {
            return Some(self.after_year(e, YearRef::Abs(y)));
        }
        if n.digits != 4 {
            return None;
        }
        // Numeric date: 2021-09-17, 2021/9/17, 2021.09.17
        let s = self.at(n.end);
        if matches!(s, '-' | '/' | '.')
            && let Some(r) = self.numeric_date(n.end, y, s)
        {
            return Some(r);
        }
        // 2021Q3, 2021 Q3
        if self.at(j) == 'Q'
            && let Some((q, e)) = self.q_at(j)
        {
            return Some((e, Expr::Cal(YearRef::Abs(y), Unit::Quarters(q, q))));
        }
        None
    }

    fn numeric_date(&self, sep_i: usize, y: i32, s: char) -> Option<(usize, Expr)> {
        let m = self.num(sep_i + 1)?;
        if m.digits == 0 || m.digits > 2 || self.at(m.end) != s {
            return None;
        }
        let d = self.num(m.end + 1)?;
        if d.digits == 0 || d.digits > 2 {
            return None;
        }
        let after = self.at(d.end);
        // `2021.11.28.5` is a version; `2021.11.28-2021.11.30` a range.
        if after.is_ascii_alphanumeric() || (after == s && self.at(d.end + 1).is_ascii_digit()) {
            return None;
        }
        NaiveDate::from_ymd_opt(y, m.v, d.v)?;
        Some((d.end, Expr::Cal(YearRef::Abs(y), Unit::Day(m.v, d.v))))
    }

    /// `Q3` -> (3, index after).
    fn q_at(&self, i: usize) -> Option<(u8, usize)> {
        if self.at(i) != 'Q' || self.prev(i).is_ascii_alphabetic() {
            return None;
        }
        let d = self.at(i + 1);
        if !('1'..='4').contains(&d) || self.at(i + 2).is_ascii_alphanumeric() {
            return None;
        }
        Some((d as u8 - b'0', i + 2))
    }

    /// `第三季度`, `三季度`, `Q3`, `前三季度` -> (first, last quarter, index after).
    fn quarter_at(&self, i: usize) -> Option<(u8, u8, usize)> {
        self.quarter_at_in(i, false)
    }

    /// `loose`: after a year, where `第四季` (without `度`) is also a quarter.
    fn quarter_at_in(&self, i: usize, loose: bool) -> Option<(u8, u8, usize)> {
        if let Some((q, e)) = self.q_at(i) {
            let e = self.lit(e, "季度").unwrap_or(e);
            return Some((q, q, e));
        }
        let (first, j) = if let Some(j) = self.lit(i, "第") {
            (None, j)
        } else if let Some(j) = self.lit(i, "前") {
            (Some(1u8), j)
        } else {
            (None, i)
        };
        let n = self.small(i.max(j), 4)?;
        let mut k = self.sp(n.end);
        if first.is_some() {
            k = self.lit(k, "个").unwrap_or(k);
        }
        let e = match self.lit(k, "季度") {
            Some(e) => e,
            None if loose && !"节风".contains(self.at(k + 1)) => self.lit(k, "季")?,
            None => return None,
        };
        let q = n.v as u8;
        Some((first.unwrap_or(q), q, e))
    }

    /// What may follow a year (explicit or relative): half, quarter, month, or nothing.
    fn after_year(&self, j: usize, yr: YearRef) -> (usize, Expr) {
        let k = self.sp(j);
        if let Some(r) = self.year_part(k, yr) {
            return r;
        }
        // Joined by `的`: `今年的6月16日`, `去年的第四季度` are one mention.
        if let Some(k2) = self.lit(k, "的")
            && let Some(r) = self.year_part(self.sp(k2), yr)
        {
            return r;
        }
        // 今年前10个月
        if let Some(p) = self.lit(k, "前")
            && let Some(n) = self.small(p, 12)
            && let Some(e) = self.lit(self.sp(n.end), "个月")
        {
            let a = Expr::Cal(yr, Unit::Month(1));
            let b = Expr::Cal(yr, Unit::Month(n.v));
            return (e, Expr::Range(Box::new(a), Box::new(b), NO_SPLIT, NO_SPLIT));
        }
        if let Some(n) = self.num(k)
            && let Some(r) = self.bare_range(n, yr, None)
        {
            return r;
        }
        let mut e = self
            .any(
                j,
                &[
                    "年初", "年中", "年底", "年末", "年内", "度", "初", "底", "末", "内",
                ],
            )
            .unwrap_or(j);
        // `1923年内蒙古`: the place name, not `年内`.
        if self.at(e - 1) == '内' && self.at(e) == '蒙' {
            e -= 1;
            if e > j && self.at(e - 1) == '年' {
                e -= 1;
            }
        }
        (e, Expr::Cal(yr, Unit::Year))
    }

    /// A half, quarter or month (with day or part) inside a year.
    fn year_part(&self, k: usize, yr: YearRef) -> Option<(usize, Expr)> {
        if let Some(e) = self.lit(k, "上半年") {
            return Some((e, Expr::Cal(yr, Unit::Half(1))));
        }
        if let Some(e) = self.lit(k, "下半年") {
            return Some((e, Expr::Cal(yr, Unit::Half(2))));
        }
        if let Some((q1, q2, e)) = self.quarter_at_in(k, true) {
            return Some((e, Expr::Cal(yr, Unit::Quarters(q1, q2))));
        }
        if let Some((w, e)) = self.week_number(k) {
            return Some((e, Expr::Cal(yr, Unit::Week(w))));
        }
        if let Some(r) = self.feast_at(k, yr) {
            return Some(r);
        }
        self.month_chain(k, yr)
    }

    /// Month part after `月`: `初`, `中旬`, `底`...
    fn month_part(&self, j: usize) -> Option<(u8, usize)> {
        let k = self.sp(j);
        for (w, p) in [
            ("上中旬", 3u8),
            ("中下旬", 4),
            ("上旬", 0),
            ("中旬", 1),
            ("下旬", 2),
            ("初", 0),
            ("底", 2),
            ("末", 2),
        ] {
            if let Some(e) = self.lit(k, w) {
                return Some((p, e));
            }
        }
        // `月中` unless it starts a word (`9月中国`).
        let e = self.lit(k, "中")?;
        let next = self.at(e);
        if !is_cjk(next) || "前后以起到至左时的".contains(next) {
            return Some((1, e));
        }
        None
    }

    /// `9月`, `9月17日`, `9月底`, `9月28-30日` in the given year.
    fn month_chain(&self, i: usize, yr: YearRef) -> Option<(usize, Expr)> {
        let (m, j) = self.month_at(i)?;
        let k = self.sp(j);
        if let Some((d, e)) = self.day_at(k) {
            return Some((e, Expr::Cal(yr, Unit::Day(m, d))));
        }
        if let Some((p, e)) = self.month_part(j) {
            return Some((e, Expr::Cal(yr, Unit::MonthPart(m, p))));
        }
        if let Some((w, e)) = self.week_number(k) {
            return Some((e, Expr::Cal(yr, Unit::MonthWeek(m, w))));
        }
        if let Some(n) = self.num(k)
            && let Some(r) = self.bare_range(n, yr, Some(m))
        {
            return Some(r);
        }
        Some((j, Expr::Cal(yr, Unit::Month(m))))
    }

    /// `3天前`, `两个月后`, `一年前`, `2周后`.
    fn ago(&self, n: Num) -> Option<(usize, Expr)> {
        if n.v > 1000 || n.cn_digitwise {
            return None;
        }
        let j = self.sp(n.end);
        let (unit, k) = if let Some(k) = self.lit(j, "天") {
            (AgoUnit::Day, k)
        } else if let Some(k) = self.any(j, &["个月"]) {
            (AgoUnit::Month, k)
        } else if let Some(k) = self.any(j, &["周", "个星期", "星期", "个礼拜"]) {
            (AgoUnit::Week, k)
        } else if let Some(k) = self.lit(j, "年") {
            if n.v >= 100 {
                return None;
            }
            (AgoUnit::Year, k)
        } else {
            return None;
        };
        let k2 = self.sp(k);
        let sign = if let Some(e) = self.any(k2, &["以前", "之前", "前"]) {
            (-1, e)
        } else if let Some(e) = self.any(k2, &["以后", "之后", "后"]) {
            (1, e)
        } else {
            return None;
        };
        // `3天前后` is approximate but still the same point; `前天` after a unit is not ours.
        Some((sign.1, Expr::Ago(sign.0 * n.v as i32, unit)))
    }

    /// Relative words and other expressions that start with a word rather than a number.
    fn keyword(&self, i: usize) -> Option<(usize, Expr)> {
        let ch = self.at(i);
        let p = self.prev(i);
        match ch {
            '今' | '昨' | '明' | '前' | '后' | '去' | '本' | '当' | '同' | '次' | '翌' =>
                {}
            '上' | '下' | '这' | '周' | '星' | '礼' | '第' | 'Q' | '大' => {}
            '近' | '最' | '过' | '未' | '接' | '再' => {
                return self.window_word(i).or_else(|| self.vague_days(i));
            }
            '年' | '月' => return self.bare_part(i),
            '半' => return self.window_number(i),
            _ => return None,
        }
        if let Some(r) = self.vague_days(i) {
            return Some(r);
        }
        if let Some(r) = self.window_word(i) {
            return Some(r);
        }
        if matches!(ch, '上' | '本' | '这')
            && let Some(r) = self.century_word(i)
        {
            return Some(r);
        }
        // Product and other names that start with a relative word.
        for w in ["今日头条", "明日方舟", "明日之后", "今日说法"] {
            if let Some(e) = self.lit(i, w) {
                return Some((e, Expr::Nothing));
            }
        }
        let stages = [
            Self::relative_year,
            Self::relative_day,
            Self::relative_month,
            Self::relative_quarter,
            Self::relative_week,
        ];
        for stage in stages {
            match stage(self, i, ch, p) {
                Word::Missing => continue,
                Word::Rejected => return None,
                Word::Found(e, expr) => return Some((e, expr)),
            }
        }
        // Bare weekdays: 周三, 星期五.
        if let Some(j) = self.any(i, &["周", "星期", "礼拜"]) {
            let wd = weekday_char(self.at(j))?;
            if "每逢隔一两几多个第末".contains(p) || self.at(j + 1) == '年' {
                return None;
            }
            // `周一至周五`: a generic span of weekdays, not a date.
            if let Some(k) = self.sep_at(j + 1)
                && let Some(k2) = self.any(k, &["周", "星期", "礼拜"])
                && weekday_char(self.at(k2)).is_some()
            {
                return Some((k2 + 1, Expr::Nothing));
            }
            let e = self.day_part(j + 1).unwrap_or(j + 1);
            return Some((e, Expr::WeekDay(None, wd)));
        }
        // Halves without a year.
        if let Some(e) = self.lit(i, "上半年") {
            return Some((e, Expr::Cal(YearRef::Free, Unit::Half(1))));
        }
        if let Some(e) = self.lit(i, "下半年") {
            return Some((e, Expr::Cal(YearRef::Free, Unit::Half(2))));
        }
        // Quarters without a year.
        if matches!(ch, '第' | '前' | 'Q')
            && let Some((q1, q2, e)) = self.quarter_at(i)
        {
            return Some((e, Expr::Cal(YearRef::Free, Unit::Quarters(q1, q2))));
        }
        None
    }

    /// Relative years (`今年`, `去年`, `次年`), followed by what may follow a year.
    fn relative_year(&self, i: usize, ch: char, p: char) -> Word {
        const YEARS: &[(&str, YearRef)] = &[
            ("大前年", YearRef::Rel(-3)),
            ("大后年", YearRef::Rel(3)),
            ("本财年", YearRef::Rel(0)),
            ("上财年", YearRef::Rel(-1)),
            ("下财年", YearRef::Rel(1)),
            ("今年", YearRef::Rel(0)),
            ("本年", YearRef::Rel(0)),
            ("去年", YearRef::Rel(-1)),
            ("前年", YearRef::Rel(-2)),
            ("明年", YearRef::Rel(1)),
            ("后年", YearRef::Rel(2)),
            ("同年", YearRef::Ctx(0)),
            ("次年", YearRef::Ctx(1)),
            ("翌年", YearRef::Ctx(1)),
        ];
        for (w, yr) in YEARS {
            if let Some(j) = self.lit(i, w) {
                // `年轻`, `年纪`, `年龄`: the 年 starts another word (`如今年轻人`).
                if (matches!(ch, '前' | '后' | '同' | '次') && compound_before(p))
                    || "轻纪龄级".contains(self.at(j))
                    || (ch == '同' && self.at(j) == '代')
                    || (ch == '今' && "如现迄古".contains(p))
                    || (ch == '去' && "过失离回进出".contains(p))
                {
                    return Word::Rejected;
                }
                return Word::from(self.after_year(j, *yr));
            }
        }
        Word::Missing
    }

    /// Relative days (`昨日`, `当天`, `次日`) with a part of the day.
    fn relative_day(&self, i: usize, ch: char, p: char) -> Word {
        const DAYS: &[(&str, i32, bool)] = &[
            ("今天", 0, false),
            ("今日", 0, false),
            ("今晚", 0, false),
            ("今晨", 0, false),
            ("今早", 0, false),
            ("昨天", -1, false),
            ("昨日", -1, false),
            ("昨晚", -1, false),
            ("昨夜", -1, false),
            ("昨晨", -1, false),
            ("前天", -2, false),
            ("前晚", -2, false),
            ("明天", 1, false),
            ("明日", 1, false),
            ("明晚", 1, false),
            ("明早", 1, false),
            ("后天", 2, false),
            ("大前天", -3, false),
            ("大后天", 3, false),
            ("前一天", -1, true),
            ("前一日", -1, true),
            ("第二天", 1, true),
            ("当天", 0, true),
            ("当日", 0, true),
            ("当晚", 0, true),
            ("同日", 0, true),
            ("同一天", 0, true),
            ("次日", 1, true),
            ("翌日", 1, true),
        ];
        for &(w, k, ctx) in DAYS {
            if let Some(j) = self.lit(i, w) {
                if matches!(ch, '前' | '后' | '同' | '次' | '当') && compound_before(p) {
                    return Word::Rejected;
                }
                if (ch == '当' && p == '相') || (ch == '今' && "如现迄古".contains(p)) {
                    return Word::Rejected;
                }
                // `光明日报`, `同日本企业合作`: the 日 belongs to another word.
                if w.ends_with('日')
                    && ("本元语韩报".contains(self.at(j)) || (ch == '明' && p == '光'))
                {
                    return Word::Rejected;
                }
                // `发布前一天` is relative to an event, not to the previous date.
                if w.starts_with("前一") && is_cjk(p) {
                    return Word::Rejected;
                }
                if matches!(self.at(j), '猫' | '津') && w.ends_with('天') {
                    return Word::Rejected;
                }
                let e = self.day_part(j).unwrap_or(j);
                return Word::Found(
                    e,
                    if ctx {
                        Expr::CtxDay(k)
                    } else {
                        Expr::RelDay(k)
                    },
                );
            }
        }
        Word::Missing
    }

    /// Relative months (`上个月`, `次月`) with a day, a part or a week of the month.
    fn relative_month(&self, i: usize, ch: char, p: char) -> Word {
        const MONTHS: &[(&str, MonthShift)] = &[
            ("上上个月", MonthShift::Rel(-2)),
            ("上上月", MonthShift::Rel(-2)),
            ("下下个月", MonthShift::Rel(2)),
            ("下下月", MonthShift::Rel(2)),
            ("本月", MonthShift::Rel(0)),
            ("这个月", MonthShift::Rel(0)),
            ("上个月", MonthShift::Rel(-1)),
            ("上月", MonthShift::Rel(-1)),
            ("下个月", MonthShift::Rel(1)),
            ("下月", MonthShift::Rel(1)),
            ("当月", MonthShift::Ctx(0)),
            ("同月", MonthShift::Ctx(0)),
            ("次月", MonthShift::Ctx(1)),
        ];
        for &(w, shift) in MONTHS {
            if let Some(j) = self.lit(i, w) {
                if compound_before(p) && !matches!(ch, '本' | '上' | '下' | '这') {
                    return Word::Rejected;
                }
                if p == '相' || p == '登' || "球亮光饼".contains(self.at(j)) {
                    return Word::Rejected;
                }
                let k = self.sp(j);
                if let Some((d, e)) = self.day_at(k) {
                    return Word::Found(e, Expr::RelMonth(shift, InMonth::Day(d)));
                }
                if let Some((part, e)) = self.month_part(j) {
                    return Word::Found(e, Expr::RelMonth(shift, InMonth::Part(part)));
                }
                if let Some((n, e)) = self.week_number(k) {
                    return Word::Found(e, Expr::RelMonth(shift, InMonth::Week(n)));
                }
                return Word::Found(j, Expr::RelMonth(shift, InMonth::Whole));
            }
        }
        Word::Missing
    }

    /// Relative quarters (`上季度`).
    fn relative_quarter(&self, i: usize, _ch: char, _p: char) -> Word {
        for (w, k) in [
            ("本季度", 0),
            ("上季度", -1),
            ("上个季度", -1),
            ("下季度", 1),
            ("下个季度", 1),
        ] {
            if let Some(j) = self.lit(i, w) {
                return Word::Found(j, Expr::RelQuarter(k));
            }
        }
        Word::Missing
    }

    /// Relative weeks (`下周`, `上上个星期`) with a weekday.
    fn relative_week(&self, i: usize, _ch: char, p: char) -> Word {
        const WEEKS: &[(&str, i32)] = &[
            ("上上周", -2),
            ("上上个星期", -2),
            ("上上星期", -2),
            ("上上个礼拜", -2),
            ("下下周", 2),
            ("下下个星期", 2),
            ("下下星期", 2),
            ("下下个礼拜", 2),
            ("本周", 0),
            ("这周", 0),
            ("这个星期", 0),
            ("这星期", 0),
            ("本星期", 0),
            ("上周", -1),
            ("上个星期", -1),
            ("上星期", -1),
            ("上一周", -1),
            ("上个礼拜", -1),
            ("下周", 1),
            ("下个星期", 1),
            ("下星期", 1),
            ("下一周", 1),
            ("下个礼拜", 1),
        ];
        for &(w, k) in WEEKS {
            if let Some(j) = self.lit(i, w) {
                if "期边围转年刊报".contains(self.at(j)) || compound_before(p) && p != '这'
                {
                    return Word::Rejected;
                }
                if let Some(wd) = weekday_char(self.at(j)) {
                    let e = self.day_part(j + 1).unwrap_or(j + 1);
                    return Word::Found(e, Expr::WeekDay(Some(k), wd));
                }
                let e = self.lit(j, "末").unwrap_or(j);
                return Word::Found(e, Expr::Week(k));
            }
        }
        Word::Missing
    }
}

/// What one family of keywords made of the text at a position.
enum Word {
    /// None of its words starts here: try the next family.
    Missing,
    /// One of its words starts here but belongs to another word (`年轻`, `光明日报`): no date.
    Rejected,
    Found(usize, Expr),
}

impl From<(usize, Expr)> for Word {
    fn from((end, expr): (usize, Expr)) -> Word {
        Word::Found(end, expr)
    }
}

// ---------------------------------------------------------------------------------------------
// Resolver
// ---------------------------------------------------------------------------------------------

type Period = (NaiveDate, NaiveDate, Granularity);

struct Resolver {
    published: Option<NaiveDate>,
    last_day: Option<NaiveDate>,
    last_month: Option<(i32, u32)>,
    last_year: Option<i32>,
    /// Tense cue of the clause of the expression being resolved.
    cue: Cue,
}

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn last_of_month(y: i32, m: u32) -> Option<NaiveDate> {
    ymd(y, m, 1)?.checked_add_months(Months::new(1))?.pred_opt()
}

/// (year, month) shifted by `k` months.
fn shift_month(y: i32, m: u32, k: i32) -> Option<(i32, u32)> {
    let idx = (y as i64) * 12 + (m as i64 - 1) + k as i64;
    let y2 = idx.div_euclid(12);
    let m2 = idx.rem_euclid(12) as u32 + 1;
    Some((i32::try_from(y2).ok()?, m2))
}

fn granularity(u: Unit) -> Granularity {
    match u {
        Unit::Year => Granularity::Year,
        Unit::Half(_) => Granularity::Half,
        Unit::Quarters(..) => Granularity::Quarter,
        Unit::Month(_) => Granularity::Month,
        Unit::MonthPart(..) => Granularity::PartOfMonth,
        Unit::Day(..) | Unit::Feast(_) => Granularity::Day,
        Unit::Week(_) | Unit::MonthWeek(..) => Granularity::Week,
        Unit::FeastPeriod(..) => Granularity::Range,
        Unit::YearPart(_) => Granularity::Year,
    }
}

/// Monday of week `n` of a month: week 1 is the first Monday-to-Sunday week with at least four
/// days in the month (so it holds the month's first Thursday), as ISO weeks are for years.
fn month_week_monday(y: i32, m: u32, n: u32) -> Option<NaiveDate> {
    let first = ymd(y, m, 1)?;
    let wd = first.weekday().num_days_from_monday() as i64;
    let week1 = if wd <= 3 {
        add_days(first, -wd)?
    } else {
        add_days(first, 7 - wd)?
    };
    let monday = add_days(week1, 7 * (n as i64 - 1))?;
    // The week must still have four days in the month.
    let thursday = add_days(monday, 3)?;
    (n >= 1 && thursday.month() == m && thursday.year() == y).then_some(monday)
}

fn span(y: i32, u: Unit) -> Option<Period> {
    let (a, b) = match u {
        Unit::Year => (ymd(y, 1, 1)?, ymd(y, 12, 31)?),
        Unit::Half(1) => (ymd(y, 1, 1)?, ymd(y, 6, 30)?),
        Unit::Half(_) => (ymd(y, 7, 1)?, ymd(y, 12, 31)?),
        Unit::Quarters(q1, q2) => {
            if !(1..=4).contains(&q1) || !(q1..=4).contains(&q2) {
                return None;
            }
            (
                ymd(y, 3 * (q1 as u32 - 1) + 1, 1)?,
                last_of_month(y, 3 * q2 as u32)?,
            )
        }
        Unit::Month(m) => (ymd(y, m, 1)?, last_of_month(y, m)?),
        Unit::MonthPart(m, p) => {
            let first = match p {
                0 | 3 => 1,
                1 | 4 => 11,
                _ => 21,
            };
            let last = match p {
                0 => ymd(y, m, 10)?,
                1 | 3 => ymd(y, m, 20)?,
                _ => last_of_month(y, m)?,
            };
            (ymd(y, m, first)?, last)
        }
        Unit::Day(m, d) => {
            let x = ymd(y, m, d)?;
            (x, x)
        }
        Unit::Week(n) => {
            let a = NaiveDate::from_isoywd_opt(y, n, Weekday::Mon)?;
            (a, add_days(a, 6)?)
        }
        Unit::MonthWeek(m, n) => {
            let a = month_week_monday(y, m, n)?;
            (a, add_days(a, 6)?)
        }
        Unit::Feast(f) => {
            let x = calendar::feast_day(f, y)?;
            (x, x)
        }
        Unit::FeastPeriod(f, from, days) => calendar::feast_period(f, y, from, days)?,
        // Used to choose the year only; the mention itself is the whole year.
        Unit::YearPart(0) => (ymd(y, 1, 1)?, last_of_month(y, 2)?),
        Unit::YearPart(1) => (ymd(y, 6, 1)?, last_of_month(y, 7)?),
        Unit::YearPart(_) => (ymd(y, 11, 1)?, ymd(y, 12, 31)?),
    };
    Some((a, b, granularity(u)))
}

/// Two-digit year `n`: the latest year ending in `n` that is at most ten years after `base`.
fn short_year(n: u32, base: i32) -> Option<i32> {
    if n > 99 {
        return None;
    }
    let century = base.checked_add(10)?.div_euclid(100) * 100;
    let y = century + n as i32;
    Some(if y > base + 10 { y - 100 } else { y })
}

fn add_months(d: NaiveDate, k: i64) -> Option<NaiveDate> {
    let m = Months::new(u32::try_from(k.unsigned_abs()).ok()?);
    if k >= 0 {
        d.checked_add_months(m)
    } else {
        d.checked_sub_months(m)
    }
}

/// Days between `p` and the period [a, b] (0 when inside).
fn distance(p: NaiveDate, a: NaiveDate, b: NaiveDate) -> i64 {
    if p < a {
        (a - p).num_days()
    } else if p > b {
        (p - b).num_days()
    } else {
        0
    }
}

/// The week `k` weeks from the one holding `p` (Monday to Sunday).
fn week_from(p: NaiveDate, k: i64) -> Option<Period> {
    let a = add_days(monday_of(p)?, 7 * k)?;
    Some((a, add_days(a, 6)?, Granularity::Week))
}

/// `3天前`, `两周后`, `一个月前`, `5年后`: `n` units before (negative) or after `p`.
fn ago(p: NaiveDate, n: i32, unit: AgoUnit) -> Option<Period> {
    match unit {
        AgoUnit::Day => {
            let x = add_days(p, n as i64)?;
            Some((x, x, Granularity::Day))
        }
        AgoUnit::Week => week_from(p, n as i64),
        AgoUnit::Month => {
            let (y, m) = shift_month(p.year(), p.month(), n)?;
            span(y, Unit::Month(m))
        }
        AgoUnit::Year => span(p.year().checked_add(n)?, Unit::Year),
    }
}

fn monday_of(d: NaiveDate) -> Option<NaiveDate> {
    d.checked_sub_signed(Duration::days(d.weekday().num_days_from_monday() as i64))
}

fn add_days(d: NaiveDate, k: i64) -> Option<NaiveDate> {
    d.checked_add_signed(Duration::try_days(k)?)
}

impl Resolver {
    fn remember(&mut self, p: Period) {
        let (a, b, g) = p;
        if g == Granularity::Day && a == b {
            self.last_day = Some(a);
        }
        if matches!(
            g,
            Granularity::Day | Granularity::PartOfMonth | Granularity::Month
        ) {
            self.last_month = Some((a.year(), a.month()));
        }
        self.last_year = Some(a.year());
    }

    /// Candidate years for a period whose year is not written.
    fn candidate_years(&self, u: Unit) -> Option<Vec<i32>> {
        let y = self.published?.year();
        Some(match u {
            // Halves and quarters are reported on, rarely announced: this year or last, unless
            // the clause speaks of the future.
            Unit::Half(_) | Unit::Quarters(..) if self.cue != Cue::Forward => vec![y - 1, y],
            _ => vec![y - 1, y, y + 1],
        })
    }

    fn year_of(&self, yr: YearRef) -> Option<i32> {
        let p = self.published?;
        match yr {
            YearRef::Abs(y) => Some(y),
            YearRef::Rel(k) => p.year().checked_add(k),
            YearRef::Ctx(k) => self.last_year?.checked_add(k),
            YearRef::Short(n) => short_year(n, p.year()),
            YearRef::Free => None,
        }
    }

    /// Of the candidate periods, the nearest to the publication day on the side the tense cue
    /// says (any side when no candidate is on it); see `cues`.
    fn pick(&self, candidates: impl Iterator<Item = Period>) -> Option<Period> {
        let p = self.published?;
        let all: Vec<(i64, Period)> = candidates.map(|s| (distance(p, s.0, s.1), s)).collect();
        let best = |keep: &dyn Fn(&Period) -> bool| {
            all.iter()
                .filter(|(_, s)| keep(s))
                .min_by_key(|(d, _)| *d)
                .copied()
        };
        let any = best(&|_| true);
        let ahead = best(&|s| s.1 >= p);
        let behind = best(&|s| s.0 <= p);
        let chosen = match self.cue {
            Cue::Forward => ahead.or(any),
            Cue::Back => behind.or(any),
            Cue::WeakForward => match (ahead, any) {
                (Some(a), Some(n)) if a.0 - n.0 <= cues::WEAK_CUE_DAYS => Some(a),
                _ => any,
            },
            Cue::None => any,
        };
        chosen.map(|(_, s)| s)
    }

    fn nearest(&self, u: Unit) -> Option<Period> {
        let years = self.candidate_years(u)?;
        self.pick(years.into_iter().filter_map(|y| span(y, u)))
    }

    /// -1, 0 or 1: which way a tense cue moves a period that defaults to the publication
    /// year or month (`年初将...` told in November is next year's).
    fn cue_shift(&self, here: Period) -> i32 {
        let Some(p) = self.published else { return 0 };
        match self.cue {
            Cue::Forward if here.1 < p => 1,
            Cue::Back if here.0 > p => -1,
            _ => 0,
        }
    }

    fn cal(&self, yr: YearRef, u: Unit) -> Option<Period> {
        let found = match (yr, u) {
            (YearRef::Free, Unit::YearPart(_)) => {
                let y = self.published?.year();
                span(y + self.cue_shift(span(y, u)?), u)
            }
            (YearRef::Abs(y), _) => span(y, u),
            (YearRef::Free, _) => self.nearest(u),
            _ => span(self.year_of(yr)?, u),
        }?;
        if let Unit::YearPart(_) = u {
            return span(found.0.year(), Unit::Year);
        }
        Some(found)
    }

    /// Decade `d` (0-9) of a century: `七十年代` without a century is the latest that starts no
    /// later than the publication year (1970s in 2021, but `二十年代` is the 2020s).
    fn decade(&self, c: CenturyRef, d: u32) -> Option<Period> {
        let base = match c {
            CenturyRef::Abs(n) => (n - 1) * 100,
            CenturyRef::Rel(k) => (self.century_of_published()? - 1 + k) * 100,
            CenturyRef::Free => {
                let refy = self.published.map_or(2000, |p| p.year());
                let y = 2000 + 10 * d as i32;
                if y <= refy { 2000 } else { 1900 }
            }
        };
        let a = base + 10 * d as i32;
        Some((ymd(a, 1, 1)?, ymd(a + 9, 12, 31)?, Granularity::Decade))
    }

    fn century_of_published(&self) -> Option<i32> {
        Some((self.published?.year() - 1).div_euclid(100) + 1)
    }

    /// Century `n` runs from year `(n-1)*100 + 1` to `n*100` (`20世纪` = 1901-2000).
    fn century(&self, c: CenturyRef) -> Option<Period> {
        let n = match c {
            CenturyRef::Abs(n) => n,
            CenturyRef::Rel(k) => self.century_of_published()? + k,
            CenturyRef::Free => return None,
        };
        let a = (n - 1) * 100 + 1;
        Some((ymd(a, 1, 1)?, ymd(n * 100, 12, 31)?, Granularity::Century))
    }

    /// A rolling window: back windows end on the publication day (`近7天` is it and the six
    /// days before), forward ones start the day after (`未来一周` is the next seven days).
    fn window(&self, dir: WindowDir, len: Length) -> Option<Period> {
        let p = self.published?;
        let back = match dir {
            WindowDir::Back => true,
            WindowDir::Forward => false,
            WindowDir::Within => self.cue == Cue::Back,
        };
        let (a, b) = match (back, len) {
            (true, Length::Days(n)) => (add_days(p, 1 - n as i64)?, p),
            (true, Length::Months(n)) => (add_days(add_months(p, -(n as i64))?, 1)?, p),
            (false, Length::Days(n)) => (add_days(p, 1)?, add_days(p, n as i64)?),
            (false, Length::Months(n)) => (add_days(p, 1)?, add_months(p, n as i64)?),
        };
        Some((a, b, Granularity::Range))
    }

    fn resolve(&self, e: &Expr) -> Option<Period> {
        match *e {
            Expr::Cal(yr, u) => self.cal(yr, u),
            Expr::Decade(c, d) => self.decade(c, d),
            Expr::Century(c) => self.century(c),
            Expr::Nothing => None,
            Expr::Range(ref a, ref b, ..) => self.range(a, b),
            _ => self.relative(self.published?, e),
        }
    }

    /// Expressions that count from the publication day `p` (or from the last date named).
    fn relative(&self, p: NaiveDate, e: &Expr) -> Option<Period> {
        use Granularity as G;
        let day = |x: NaiveDate| Some((x, x, G::Day));
        match *e {
            Expr::RelMonth(shift, inm) => self.rel_month(p, shift, inm),
            Expr::RelQuarter(k) => {
                let q0 = (p.month() as i32 - 1) / 3;
                let (y, m) = shift_month(p.year(), (q0 * 3 + 1) as u32, 3 * k)?;
                let q = ((m - 1) / 3 + 1) as u8;
                span(y, Unit::Quarters(q, q))
            }
            Expr::BareDay(d) => self.bare_day(p, d),
            Expr::RelDay(k) => day(add_days(p, k as i64)?),
            Expr::CtxDay(k) => day(add_days(self.last_day?, k as i64)?),
            Expr::Week(k) => week_from(p, k as i64),
            Expr::WeekDay(Some(k), wd) => day(add_days(monday_of(p)?, 7 * k as i64 + wd as i64)?),
            Expr::WeekDay(None, wd) => {
                let target = Weekday::try_from(wd as u8).ok()?;
                self.pick(
                    (-6..=6)
                        .filter_map(|k| add_days(p, k))
                        .filter(|x| x.weekday() == target)
                        .map(|x| (x, x, G::Day)),
                )
            }
            Expr::Ago(n, unit) => ago(p, n, unit),
            Expr::Window(dir, len) => self.window(dir, len),
            Expr::Around(a, b) => Some((add_days(p, a as i64)?, add_days(p, b as i64)?, G::Range)),
            _ => None,
        }
    }

    /// `上月`, `次月`, a week or part of such a month, or a bare `月底` whose month the tense
    /// cues decide.
    fn rel_month(&self, p: NaiveDate, shift: MonthShift, inm: InMonth) -> Option<Period> {
        let (y, m) = match shift {
            MonthShift::Rel(k) => shift_month(p.year(), p.month(), k)?,
            MonthShift::Ctx(k) => {
                let (y, m) = self.last_month?;
                shift_month(y, m, k)?
            }
            MonthShift::Bare => {
                let InMonth::Part(x) = inm else { return None };
                let here = span(p.year(), Unit::MonthPart(p.month(), x))?;
                shift_month(p.year(), p.month(), self.cue_shift(here))?
            }
        };
        let u = match inm {
            InMonth::Whole => Unit::Month(m),
            InMonth::Part(x) => Unit::MonthPart(m, x),
            InMonth::Day(d) => Unit::Day(m, d),
            InMonth::Week(n) => Unit::MonthWeek(m, n),
        };
        span(y, u)
    }

    /// A day of the month with no month: the month last named, else the nearest fit around `p`.
    fn bare_day(&self, p: NaiveDate, d: u32) -> Option<Period> {
        if let Some((y, m)) = self.last_month {
            let x = ymd(y, m, d)?;
            return Some((x, x, Granularity::Day));
        }
        self.pick((-1..=1).filter_map(|k| {
            let (y, m) = shift_month(p.year(), p.month(), k)?;
            let x = ymd(y, m, d)?;
            Some((x, x, Granularity::Day))
        }))
    }

    /// A range from the start of `a` to the end of `b`; `b` takes what it does not say from `a`.
    fn range(&self, a: &Expr, b: &Expr) -> Option<Period> {
        // A second end that takes its month from the first cannot wrap into the next year.
        let same_month = matches!(b, Expr::BareDay(_));
        let b = match (a, b) {
            (Expr::Cal(_, Unit::Day(m, _)), Expr::BareDay(d)) => {
                Expr::Cal(YearRef::Free, Unit::Day(*m, *d))
            }
            (Expr::RelMonth(s, InMonth::Day(_)), Expr::BareDay(d)) => {
                Expr::RelMonth(*s, InMonth::Day(*d))
            }
            _ => b.clone(),
        };
        if let (Expr::Cal(ya, ua), Expr::Cal(yb, ub)) = (a, &b) {
            let (ua, ub) = (*ua, *ub);
            if *yb == YearRef::Free {
                let years: Vec<i32> = match ya {
                    YearRef::Free => self.candidate_years(ua)?,
                    _ => vec![self.cal(*ya, ua)?.0.year()],
                };
                let spans = years.into_iter().filter_map(|y| {
                    let sa = span(y, ua)?;
                    let mut sb = span(y, ub)?;
                    if sb.1 < sa.0 && !same_month {
                        // `12月28日至1月3日`: the second end is in the next year.
                        sb = span(y.checked_add(1)?, ub)?;
                    }
                    (sb.1 >= sa.0).then_some((sa.0, sb.1, sa.2))
                });
                if self.published.is_none() {
                    return spans.into_iter().next();
                }
                return self.pick(spans);
            }
        }
        let ra = self.resolve(a)?;
        let rb = self.resolve(&b)?;
        if rb.1 < ra.0 {
            return None;
        }
        Some((ra.0, rb.1, ra.2))
    }
}

#[cfg(test)]
mod table;
#[cfg(test)]
mod tests;

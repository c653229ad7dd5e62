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
    };
    let mut out = Vec::new();
    for f in found {
        let mut push = |res: &mut Resolver, s: usize, e: usize, p: Period| {
            let (Some(&start), Some(&end)) = (sc.off.get(s), sc.off.get(e)) else {
                return;
            };
            res.remember(p);
            out.push(DateMention {
                text: text.get(start..end).unwrap_or_default().to_string(),
                start,
                end,
                value: p.0,
                end_value: p.1,
                granularity: p.2,
            });
        };
        match &f.expr {
            Expr::Range(a, b, a_end, b_start) => {
                if let Some(p) = res.range(a, b) {
                    push(&mut res, f.start, f.end, p);
                } else {
                    // Not a valid range: fall back to its two ends as separate mentions.
                    if *a_end != NO_SPLIT
                        && let Some(p) = res.resolve(a)
                    {
                        push(&mut res, f.start, *a_end, p);
                    }
                    if *b_start != NO_SPLIT
                        && let Some(p) = res.resolve(b)
                    {
                        push(&mut res, *b_start, f.end, p);
                    }
                }
            }
            e => {
                if let Some(p) = res.resolve(e) {
                    push(&mut res, f.start, f.end, p);
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
}

/// A month given relative to the publication month (`本月`) or to the previous mention (`当月`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MonthShift {
    Rel(i32),
    Ctx(i32),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum InMonth {
    Whole,
    Part(u8),
    Day(u32),
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
    /// Two ends; char index where the first ends and where the second starts, or [`NO_SPLIT`]
    /// when that end is not a mention on its own (`1-3月`: `1` is not a date).
    Range(Box<Expr>, Box<Expr>, usize, usize),
    /// Recognised and consumed, but not a date (`今日头条`, `周一至周五`).
    Nothing,
}

/// See [`Expr::Range`].
const NO_SPLIT: usize = usize::MAX;

struct Found {
    start: usize,
    end: usize,
    expr: Expr,
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
const QUALIFIERS: &[&str] = &[
    "以来", "以前", "之前", "以后", "之后", "前后", "左右", "起", "前", "后",
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
            if let Some((end, expr)) = self.expression(i) {
                out.push(Found {
                    start: i,
                    end,
                    expr,
                });
                i = end.max(i + 1);
            } else {
                i += 1;
            }
        }
        out
    }

    fn may_start(&self, ch: char) -> bool {
        ch.is_ascii_digit()
            || is_cn_digit(ch)
            || "今昨前明后当同次翌去本上下这周星礼第Q大".contains(ch)
    }

    /// A full expression at `i`: a point, possibly a range, then qualifiers.
    fn expression(&self, i: usize) -> Option<(usize, Expr)> {
        if !self.may_start(self.at(i)) {
            return None;
        }
        let (mut end, mut expr) = self.primary(i, false)?;
        if matches!(expr, Expr::Nothing) {
            return Some((end, expr));
        }
        end = self.day_suffix(&expr, end);
        // Range to a second point.
        if !matches!(expr, Expr::Range(..))
            && let Some(k) = self.sep_at(end)
            && let Some((e2, b)) = self.primary(k, true)
            && Self::rangeable(&expr, &b)
        {
            let e2 = self.day_suffix(&b, e2);
            expr = Expr::Range(Box::new(expr), Box::new(b), end, k);
            end = e2;
        }
        if let Some(j) = self.any(end, QUALIFIERS) {
            // `前`/`后` that start another expression are left alone.
            let next_starts =
                matches!(self.at(end), '前' | '后') && "天年晚".contains(self.at(end + 1));
            if !next_starts {
                end = j;
            }
        }
        Some((end, expr))
    }

    /// After a day: a weekday in brackets (`9月17日（周五）`) and a part of the day (`晚间`).
    fn day_suffix(&self, e: &Expr, mut end: usize) -> usize {
        if Self::is_day_like(e) {
            if let Some(j) = self.weekday_note(end) {
                end = j;
            }
            if let Some(j) = self.day_part(end) {
                end = j;
            }
        }
        end
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
        if let Some(r) = self.keyword(i) {
            return Some(r);
        }
        if !(ch.is_ascii_digit() || is_cn_digit(ch)) {
            return None;
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
        if self.at(j) == '年' && !"龄级薪".contains(self.at(j + 1)) {
            return Some(self.after_year(j + 1, YearRef::Abs(y)));
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
        if after.is_ascii_alphanumeric()
            || (matches!(after, '.' | '-' | '/') && self.at(d.end + 1).is_ascii_digit())
        {
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
                &["年初", "年底", "年末", "年内", "度", "初", "底", "末", "内"],
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
        let next2 = |j: usize| -> [char; 2] { [self.at(j), self.at(j + 1)] };
        match ch {
            '今' | '昨' | '明' | '前' | '后' | '去' | '本' | '当' | '同' | '次' | '翌' =>
                {}
            '上' | '下' | '这' | '周' | '星' | '礼' | '第' | 'Q' | '大' => {}
            _ => return None,
        }
        // Product and other names that start with a relative word.
        for w in ["今日头条", "明日方舟", "明日之后", "今日说法"] {
            if let Some(e) = self.lit(i, w) {
                return Some((e, Expr::Nothing));
            }
        }
        // Relative years, followed by what may follow a year.
        const YEARS: &[(&str, YearRef)] = &[
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
        let compound_before = |c: char| {
            "此之以目日提事空当面向门眼跟最往然随其背落先而午年月天周前后今不相每多几首这那上下本层如"
                .contains(c)
        };
        for (w, yr) in YEARS {
            if let Some(j) = self.lit(i, w) {
                // `年轻`, `年纪`, `年龄`: the 年 starts another word (`如今年轻人`).
                if (matches!(ch, '前' | '后' | '同' | '次') && compound_before(p))
                    || "轻纪龄级".contains(self.at(j))
                    || (ch == '同' && self.at(j) == '代')
                    || (ch == '今' && "如现迄古".contains(p))
                    || (ch == '去' && "过失离回进出".contains(p))
                {
                    return None;
                }
                return Some(self.after_year(j, *yr));
            }
        }
        // Relative days.
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
                    return None;
                }
                if (ch == '当' && p == '相') || (ch == '今' && "如现迄古".contains(p)) {
                    return None;
                }
                // `光明日报`, `同日本企业合作`: the 日 belongs to another word.
                if w.ends_with('日')
                    && ("本元语韩报".contains(self.at(j)) || (ch == '明' && p == '光'))
                {
                    return None;
                }
                // `发布前一天` is relative to an event, not to the previous date.
                if w.starts_with("前一") && is_cjk(p) {
                    return None;
                }
                if matches!(next2(j), ['猫', _] | ['津', _]) && w.ends_with('天') {
                    return None;
                }
                let e = self.day_part(j).unwrap_or(j);
                return Some((
                    e,
                    if ctx {
                        Expr::CtxDay(k)
                    } else {
                        Expr::RelDay(k)
                    },
                ));
            }
        }
        // Relative months.
        const MONTHS: &[(&str, MonthShift)] = &[
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
                    return None;
                }
                if p == '相' || p == '登' || "球亮光饼".contains(self.at(j)) {
                    return None;
                }
                let k = self.sp(j);
                if let Some((d, e)) = self.day_at(k) {
                    return Some((e, Expr::RelMonth(shift, InMonth::Day(d))));
                }
                if let Some((part, e)) = self.month_part(j) {
                    return Some((e, Expr::RelMonth(shift, InMonth::Part(part))));
                }
                return Some((j, Expr::RelMonth(shift, InMonth::Whole)));
            }
        }
        // Relative quarters.
        for (w, k) in [
            ("本季度", 0),
            ("上季度", -1),
            ("上个季度", -1),
            ("下季度", 1),
            ("下个季度", 1),
        ] {
            if let Some(j) = self.lit(i, w) {
                return Some((j, Expr::RelQuarter(k)));
            }
        }
        // Weeks.
        const WEEKS: &[(&str, i32)] = &[
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
                    return None;
                }
                if let Some(wd) = weekday_char(self.at(j)) {
                    let e = self.day_part(j + 1).unwrap_or(j + 1);
                    return Some((e, Expr::WeekDay(Some(k), wd)));
                }
                let e = self.lit(j, "末").unwrap_or(j);
                return Some((e, Expr::Week(k)));
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
        Unit::Day(..) => Granularity::Day,
    }
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
    };
    Some((a, b, granularity(u)))
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
            // Halves and quarters are reported on, rarely announced: this year or last.
            Unit::Half(_) | Unit::Quarters(..) => vec![y - 1, y],
            _ => vec![y - 1, y, y + 1],
        })
    }

    fn year_of(&self, yr: YearRef) -> Option<i32> {
        let p = self.published?;
        match yr {
            YearRef::Abs(y) => Some(y),
            YearRef::Rel(k) => p.year().checked_add(k),
            YearRef::Ctx(k) => self.last_year?.checked_add(k),
            YearRef::Free => None,
        }
    }

    fn nearest(&self, u: Unit) -> Option<Period> {
        let p = self.published?;
        let mut best: Option<(i64, Period)> = None;
        for y in self.candidate_years(u)? {
            if let Some(s) = span(y, u) {
                let d = distance(p, s.0, s.1);
                if best.is_none_or(|(bd, _)| d < bd) {
                    best = Some((d, s));
                }
            }
        }
        best.map(|b| b.1)
    }

    fn cal(&self, yr: YearRef, u: Unit) -> Option<Period> {
        if let YearRef::Abs(y) = yr {
            return span(y, u);
        }
        if yr == YearRef::Free {
            return self.nearest(u);
        }
        span(self.year_of(yr)?, u)
    }

    fn resolve(&self, e: &Expr) -> Option<Period> {
        use Granularity as G;
        match *e {
            Expr::Cal(yr, u) => self.cal(yr, u),
            Expr::Nothing => None,
            Expr::Range(ref a, ref b, ..) => self.range(a, b),
            _ => {
                let p = self.published?;
                match *e {
                    Expr::RelMonth(shift, inm) => {
                        let (y, m) = match shift {
                            MonthShift::Rel(k) => shift_month(p.year(), p.month(), k)?,
                            MonthShift::Ctx(k) => {
                                let (y, m) = self.last_month?;
                                shift_month(y, m, k)?
                            }
                        };
                        let u = match inm {
                            InMonth::Whole => Unit::Month(m),
                            InMonth::Part(x) => Unit::MonthPart(m, x),
                            InMonth::Day(d) => Unit::Day(m, d),
                        };
                        span(y, u)
                    }
                    Expr::RelQuarter(k) => {
                        let q0 = (p.month() as i32 - 1) / 3;
                        let (y, m) = shift_month(p.year(), (q0 * 3 + 1) as u32, 3 * k)?;
                        let q = ((m - 1) / 3 + 1) as u8;
                        span(y, Unit::Quarters(q, q))
                    }
                    Expr::BareDay(d) => {
                        if let Some((y, m)) = self.last_month {
                            let x = ymd(y, m, d)?;
                            return Some((x, x, G::Day));
                        }
                        let mut best: Option<(i64, NaiveDate)> = None;
                        for k in -1..=1 {
                            let (y, m) = shift_month(p.year(), p.month(), k)?;
                            if let Some(x) = ymd(y, m, d) {
                                let dist = distance(p, x, x);
                                if best.is_none_or(|(bd, _)| dist < bd) {
                                    best = Some((dist, x));
                                }
                            }
                        }
                        best.map(|(_, x)| (x, x, G::Day))
                    }
                    Expr::RelDay(k) => {
                        let x = add_days(p, k as i64)?;
                        Some((x, x, G::Day))
                    }
                    Expr::CtxDay(k) => {
                        let x = add_days(self.last_day?, k as i64)?;
                        Some((x, x, G::Day))
                    }
                    Expr::Week(k) => {
                        let a = add_days(monday_of(p)?, 7 * k as i64)?;
                        Some((a, add_days(a, 6)?, G::Week))
                    }
                    Expr::WeekDay(Some(k), wd) => {
                        let x = add_days(monday_of(p)?, 7 * k as i64 + wd as i64)?;
                        Some((x, x, G::Day))
                    }
                    Expr::WeekDay(None, wd) => {
                        let target = Weekday::try_from(wd as u8).ok()?;
                        let x = (-3..=3)
                            .filter_map(|k| add_days(p, k))
                            .find(|x| x.weekday() == target)?;
                        Some((x, x, G::Day))
                    }
                    Expr::Ago(n, unit) => match unit {
                        AgoUnit::Day => {
                            let x = add_days(p, n as i64)?;
                            Some((x, x, G::Day))
                        }
                        AgoUnit::Week => {
                            let a = add_days(monday_of(p)?, 7 * n as i64)?;
                            Some((a, add_days(a, 6)?, G::Week))
                        }
                        AgoUnit::Month => {
                            let (y, m) = shift_month(p.year(), p.month(), n)?;
                            span(y, Unit::Month(m))
                        }
                        AgoUnit::Year => span(p.year().checked_add(n)?, Unit::Year),
                    },
                    _ => None,
                }
            }
        }
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
                let mut best: Option<(i64, Period)> = None;
                for y in years {
                    let Some(sa) = span(y, ua) else { continue };
                    let Some(mut sb) = span(y, ub) else { continue };
                    if sb.1 < sa.0 && !same_month {
                        // `12月28日至1月3日`: the second end is in the next year.
                        let Some(n) = y.checked_add(1).and_then(|y1| span(y1, ub)) else {
                            continue;
                        };
                        sb = n;
                    }
                    if sb.1 < sa.0 {
                        continue;
                    }
                    let d = match self.published {
                        Some(p) => distance(p, sa.0, sb.1),
                        None => 0,
                    };
                    if best.is_none_or(|(bd, _)| d < bd) {
                        best = Some((d, (sa.0, sb.1, sa.2)));
                    }
                }
                return best.map(|b| b.1);
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
mod tests;

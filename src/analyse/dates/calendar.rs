//! Holidays, lunar dates and the 24 solar terms.
//!
//! The lunar calendar and the solar terms come from `tyme4rs` (MIT), which computes them with
//! the 寿星 astronomical algorithms for any year we index (1800–2199). Its `from_*`
//! constructors unwrap, so only the validating `new` constructors are called here, with
//! months 1–12 and years checked first.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use tyme4rs::tyme::lunar::{LunarDay, LunarMonth};
use tyme4rs::tyme::solar::SolarTerm;

use super::{Expr, Scanner, Unit, YearRef};

/// A day that comes back every year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Feast {
    /// Fixed Gregorian day (`国庆` 10-01).
    Solar(u32, u32),
    /// The `n`-th given weekday of a month (`母亲节`: second Sunday of May).
    NthWeekday(u32, u8, Weekday),
    /// Lunar month and day (`中秋` 8-15), in the lunar year that starts in the Gregorian one.
    Lunar(u32, u32),
    /// The last day of the twelfth lunar month (`除夕`).
    LunarEve,
    /// Solar term by `tyme4rs` index (0 = 冬至, 3 = 立春, ... 23 = 大雪).
    Term(u8),
}

/// Supported years: what the index can hold, and inside what `tyme4rs` accepts.
fn year_ok(y: i32) -> bool {
    (1800..=2199).contains(&y)
}

fn solar_day(d: &tyme4rs::tyme::solar::SolarDay) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(
        i32::try_from(d.get_year()).ok()?,
        u32::try_from(d.get_month()).ok()?,
        u32::try_from(d.get_day()).ok()?,
    )
}

/// A lunar date of lunar year `ly` as a Gregorian day.
fn lunar(ly: i32, m: u32, d: u32) -> Option<NaiveDate> {
    if !year_ok(ly) || !(1..=12).contains(&m) || !(1..=30).contains(&d) {
        return None;
    }
    let day = LunarDay::new(ly as isize, m as isize, d as usize).ok()?;
    solar_day(&day.get_solar_day())
}

/// The eve of lunar year `ly + 1`: last day of the twelfth month of lunar year `ly`.
fn lunar_eve(ly: i32) -> Option<NaiveDate> {
    if !year_ok(ly) {
        return None;
    }
    let days = LunarMonth::new(ly as isize, 12).ok()?.get_day_count();
    lunar(ly, 12, u32::try_from(days).ok()?)
}

/// Solar term `idx` falling in Gregorian year `y`.
fn term(y: i32, idx: u8) -> Option<NaiveDate> {
    if !year_ok(y) || idx >= 24 {
        return None;
    }
    // tyme's year `t` starts with the winter solstice of December `t - 1`.
    [y, y + 1].into_iter().find_map(|t| {
        let d = solar_day(&SolarTerm::from_index(t as isize, idx as isize).get_solar_day())?;
        (d.year() == y).then_some(d)
    })
}

fn nth_weekday(y: i32, m: u32, n: u8, wd: Weekday) -> Option<NaiveDate> {
    NaiveDate::from_weekday_of_month_opt(y, m, wd, n)
}

/// The day of `feast` in Gregorian year `y` (the first one, for the rare lunar date that
/// falls twice in a year).
pub(super) fn feast_day(feast: Feast, y: i32) -> Option<NaiveDate> {
    if !year_ok(y) {
        return None;
    }
    match feast {
        Feast::Solar(m, d) => NaiveDate::from_ymd_opt(y, m, d),
        Feast::NthWeekday(m, n, wd) => nth_weekday(y, m, n, wd),
        Feast::Lunar(m, d) => [y - 1, y]
            .into_iter()
            .filter_map(|ly| lunar(ly, m, d))
            .find(|x| x.year() == y),
        Feast::LunarEve => [y - 1, y]
            .into_iter()
            .filter_map(lunar_eve)
            .find(|x| x.year() == y),
        Feast::Term(idx) => term(y, idx),
    }
}

/// A holiday period: `days` days starting `from` days after the feast day.
pub(super) fn feast_period(
    feast: Feast,
    y: i32,
    from: i8,
    days: u8,
) -> Option<(NaiveDate, NaiveDate)> {
    let d = feast_day(feast, y)?;
    let a = d.checked_add_signed(Duration::days(from as i64))?;
    let b = a.checked_add_signed(Duration::days(days.max(1) as i64 - 1))?;
    Some((a, b))
}

/// How a holiday word may be used on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Use {
    /// Always a date (`春节`, `中秋节`).
    Always,
    /// Only before `节`, `假期`, `期间`... (`五一`, `清明`, `大雪`): the bare word is often
    /// something else (`五一广场`, `政治清明`, weather).
    WithSuffix,
}

const fn sun() -> Weekday {
    Weekday::Sun
}

/// Holiday words, longest first where one starts another. Dates are the customary ones in
/// mainland China; `小年` is the northern 腊月二十三.
const HOLIDAYS: &[(&str, Feast, Use)] = &[
    ("春节", Feast::Lunar(1, 1), Use::Always),
    ("大年初一", Feast::Lunar(1, 1), Use::Always),
    ("除夕", Feast::LunarEve, Use::Always),
    ("大年三十", Feast::LunarEve, Use::Always),
    ("年三十", Feast::LunarEve, Use::Always),
    ("元宵节", Feast::Lunar(1, 15), Use::Always),
    ("元宵", Feast::Lunar(1, 15), Use::WithSuffix),
    ("端午节", Feast::Lunar(5, 5), Use::Always),
    ("端午", Feast::Lunar(5, 5), Use::Always),
    ("七夕节", Feast::Lunar(7, 7), Use::Always),
    ("七夕", Feast::Lunar(7, 7), Use::Always),
    ("中元节", Feast::Lunar(7, 15), Use::Always),
    ("中秋节", Feast::Lunar(8, 15), Use::Always),
    ("中秋", Feast::Lunar(8, 15), Use::Always),
    ("重阳节", Feast::Lunar(9, 9), Use::Always),
    ("重阳", Feast::Lunar(9, 9), Use::WithSuffix),
    ("腊八节", Feast::Lunar(12, 8), Use::Always),
    ("腊八", Feast::Lunar(12, 8), Use::WithSuffix),
    ("小年", Feast::Lunar(12, 23), Use::WithSuffix),
    ("元旦", Feast::Solar(1, 1), Use::Always),
    ("情人节", Feast::Solar(2, 14), Use::Always),
    ("三八妇女节", Feast::Solar(3, 8), Use::Always),
    ("妇女节", Feast::Solar(3, 8), Use::Always),
    ("植树节", Feast::Solar(3, 12), Use::Always),
    ("愚人节", Feast::Solar(4, 1), Use::Always),
    ("五一劳动节", Feast::Solar(5, 1), Use::Always),
    ("劳动节", Feast::Solar(5, 1), Use::Always),
    ("五一", Feast::Solar(5, 1), Use::WithSuffix),
    ("五四青年节", Feast::Solar(5, 4), Use::Always),
    ("青年节", Feast::Solar(5, 4), Use::Always),
    ("六一儿童节", Feast::Solar(6, 1), Use::Always),
    ("儿童节", Feast::Solar(6, 1), Use::Always),
    ("六一", Feast::Solar(6, 1), Use::WithSuffix),
    ("建党节", Feast::Solar(7, 1), Use::Always),
    ("八一建军节", Feast::Solar(8, 1), Use::Always),
    ("建军节", Feast::Solar(8, 1), Use::Always),
    ("教师节", Feast::Solar(9, 10), Use::Always),
    ("国庆节", Feast::Solar(10, 1), Use::Always),
    ("国庆", Feast::Solar(10, 1), Use::Always),
    ("十一", Feast::Solar(10, 1), Use::WithSuffix),
    ("万圣节", Feast::Solar(10, 31), Use::Always),
    ("双十一", Feast::Solar(11, 11), Use::Always),
    ("双11", Feast::Solar(11, 11), Use::Always),
    ("光棍节", Feast::Solar(11, 11), Use::Always),
    ("双十二", Feast::Solar(12, 12), Use::Always),
    ("双12", Feast::Solar(12, 12), Use::Always),
    ("平安夜", Feast::Solar(12, 24), Use::Always),
    ("圣诞节", Feast::Solar(12, 25), Use::Always),
    ("圣诞", Feast::Solar(12, 25), Use::Always),
    ("母亲节", Feast::NthWeekday(5, 2, sun()), Use::Always),
    ("父亲节", Feast::NthWeekday(6, 3, sun()), Use::Always),
    (
        "感恩节",
        Feast::NthWeekday(11, 4, Weekday::Thu),
        Use::Always,
    ),
    ("清明节", Feast::Term(7), Use::Always),
    ("清明", Feast::Term(7), Use::WithSuffix),
];

/// Solar terms (tyme index). Those that are also weather words (`大雪`, `雨水`) only count
/// with a suffix such as `节气`.
const TERMS: &[(&str, u8, Use)] = &[
    ("冬至", 0, Use::Always),
    ("小寒", 1, Use::WithSuffix),
    ("大寒", 2, Use::WithSuffix),
    ("立春", 3, Use::Always),
    ("雨水", 4, Use::WithSuffix),
    ("惊蛰", 5, Use::Always),
    ("春分", 6, Use::Always),
    ("谷雨", 8, Use::Always),
    ("立夏", 9, Use::Always),
    ("小满", 10, Use::Always),
    ("芒种", 11, Use::Always),
    ("夏至", 12, Use::Always),
    ("小暑", 13, Use::WithSuffix),
    ("大暑", 14, Use::WithSuffix),
    ("立秋", 15, Use::Always),
    ("处暑", 16, Use::Always),
    ("白露", 17, Use::Always),
    ("秋分", 18, Use::Always),
    ("寒露", 19, Use::Always),
    ("霜降", 20, Use::Always),
    ("立冬", 21, Use::Always),
    ("小雪", 22, Use::WithSuffix),
    ("大雪", 23, Use::WithSuffix),
];

/// Words after a holiday that are part of the mention. The ones with a period turn
/// `国庆`/`春节`/`五一` into their statutory-style holiday: (from, days) relative to the day.
const SUFFIXES: &[&str] = &[
    "小长假",
    "长假",
    "假期",
    "黄金周",
    "节气",
    "期间",
    "当天",
    "当日",
    "节",
    "前夕",
    "这天",
];

/// First chars of every word above, to skip the table quickly.
const FIRST_CHARS: &str = "春大除年元端七中重腊小情三妇植愚五劳青六儿建八教国十万双光平圣母父感清冬立雨惊谷芒夏处白秋寒霜";

/// The period `国庆长假` and the like stand for: (from, days).
fn period_of(feast: Feast) -> Option<(i8, u8)> {
    match feast {
        Feast::Solar(10, 1) => Some((0, 7)),
        Feast::Lunar(1, 1) => Some((-1, 7)),
        Feast::Solar(5, 1) => Some((0, 5)),
        _ => None,
    }
}

impl Scanner {
    /// A holiday, solar term or lunar date at `i`, in year `yr`.
    pub(super) fn feast_at(&self, i: usize, yr: YearRef) -> Option<(usize, Expr)> {
        let ch = self.at(i);
        if (matches!(ch, '农' | '正' | '腊' | '冬') || is_lunar_month_start(ch))
            && let Some((e, m, d)) = self.lunar_date(i)
        {
            return Some((e, Expr::Cal(yr, Unit::Feast(Feast::Lunar(m, d)))));
        }
        if !FIRST_CHARS.contains(ch) {
            return None;
        }
        let (feast, j, usage) = HOLIDAYS
            .iter()
            .map(|&(w, f, u)| (w, f, u))
            .chain(TERMS.iter().map(|&(w, t, u)| (w, Feast::Term(t), u)))
            .find_map(|(w, f, u)| self.lit(i, w).map(|j| (f, j, u)))?;
        // `建国庆典`, `小年轻`: the word belongs to another one.
        if (ch == '国' && self.at(j) == '典') || (ch == '小' && self.at(j) == '轻') {
            return None;
        }
        let suffix = self.any(j, SUFFIXES);
        if usage == Use::WithSuffix && suffix.is_none() {
            return None;
        }
        let end = suffix.unwrap_or(j);
        let period = matches!(
            self.c.get(j..end),
            Some(s) if s.starts_with(&['长']) || s.starts_with(&['小', '长']) || s.starts_with(&['假']) || s.starts_with(&['黄'])
        );
        if period && let Some((from, days)) = period_of(feast) {
            return Some((end, Expr::Cal(yr, Unit::FeastPeriod(feast, from, days))));
        }
        Some((end, Expr::Cal(yr, Unit::Feast(feast))))
    }

    /// `农历八月十五`, `腊月二十三`, `正月初五`, `八月初八` -> (end, month, day).
    fn lunar_date(&self, i: usize) -> Option<(usize, u32, u32)> {
        let (k, said) = match self.lit(i, "农历") {
            Some(k) => (self.sp(k), true),
            None => (i, false),
        };
        let (m, j) = if let Some(j) = self.lit(k, "正月") {
            (1, j)
        } else if let Some(j) = self.lit(k, "冬月") {
            (11, j)
        } else if let Some(j) = self.lit(k, "腊月") {
            (12, j)
        } else {
            let n = self.small(k, 12)?;
            if n.digits > 0 && !said {
                return None;
            }
            (n.v, self.lit(n.end, "月")?)
        };
        let named = matches!(self.at(k), '正' | '冬' | '腊');
        let (d, e, chu) = self.lunar_day(j)?;
        // Without `农历` or a lunar month name, only `初N` days say the date is lunar
        // (`八月十五日` is Gregorian, `八月初` is early August).
        if !said && !named && !chu {
            return None;
        }
        Some((e, m, d))
    }

    /// `初五`, `十五`, `二十三`, `廿三`, `三十` -> (day, end, written with 初).
    fn lunar_day(&self, j: usize) -> Option<(u32, usize, bool)> {
        if let Some(k) = self.lit(j, "初") {
            let n = self.num(k)?;
            if n.digits > 0 || !(1..=10).contains(&n.v) || n.cn_digitwise || n.liang {
                return None;
            }
            return Some((n.v, n.end, true));
        }
        let n = self.num(j)?;
        if n.digits > 0 || n.cn_digitwise || n.liang || !(11..=30).contains(&n.v) {
            return None;
        }
        // `十五日` is a Gregorian-style day; leave it to the month chain.
        if matches!(self.at(n.end), '日' | '号') {
            return None;
        }
        Some((n.v, n.end, false))
    }
}

fn is_lunar_month_start(ch: char) -> bool {
    matches!(
        ch,
        '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十'
    )
}

/// Whether a holiday, solar term or lunar date may start with `ch`.
pub(super) fn may_start(ch: char) -> bool {
    FIRST_CHARS.contains(ch) || matches!(ch, '农' | '正' | '腊' | '冬')
}

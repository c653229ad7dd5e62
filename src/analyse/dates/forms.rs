//! Forms added to the scanner for issue 12: compact and numeric dates, two-digit years,
//! decades and centuries, times of day, rolling windows, vague runs of days, bare parts of a
//! year or month, and weeks of a month or year.

use super::{
    CenturyRef, Expr, InMonth, Length, MonthShift, Num, Scanner, Time, Unit, WindowDir, YearRef,
};

/// Words after which `11-05` or `7·21` is a date rather than a score or a code.
const DATE_CONTEXT: &[&str] = &[
    "于", "在", "至", "到", "从", "自", "截至", "截止", "日期", "时间", "定在", "是",
];

impl Scanner {
    /// `20230915`: eight digits that make a valid day in 1900–2099, not inside a longer number.
    pub(super) fn compact_date(&self, i: usize) -> Option<(usize, Expr)> {
        let digits = (i..i + 9)
            .take_while(|&j| self.at(j).is_ascii_digit())
            .count();
        if digits != 8 || !self.num_start_ok(i) {
            return None;
        }
        let e = i + 8;
        let after = self.at(e);
        if after.is_ascii_alphanumeric()
            || (matches!(after, '.' | '-' | '/') && self.at(e + 1).is_ascii_digit())
        {
            return None;
        }
        let v = |a: usize, n: usize| {
            (a..a + n).fold(0u32, |acc, j| acc * 10 + (self.at(j) as u32 - '0' as u32))
        };
        let (y, m, d) = (v(i, 4), v(i + 4, 2), v(i + 6, 2));
        if !(1900..=2099).contains(&y) {
            return None;
        }
        chrono::NaiveDate::from_ymd_opt(y as i32, m, d)?;
        Some((e, Expr::Cal(YearRef::Abs(y as i32), Unit::Day(m, d))))
    }

    /// `11-05`, `11/05` after a date word or before a time, and `7·21`: month and day.
    pub(super) fn month_day_numeric(&self, i: usize, n: Num) -> Option<(usize, Expr)> {
        if n.digits == 0 || n.digits > 2 || !(1..=12).contains(&n.v) {
            return None;
        }
        let s = self.at(n.end);
        let dot = matches!(s, '·' | '•' | '・');
        if !dot && !matches!(s, '-' | '/') {
            return None;
        }
        let d = self.num(n.end + 1)?;
        if d.digits == 0 || d.digits > 2 || !(1..=31).contains(&d.v) {
            return None;
        }
        let after = self.at(d.end);
        if after.is_ascii_alphanumeric() || matches!(after, '-' | '/' | '.' | '·' | '%') {
            return None;
        }
        if !dot && !self.date_context(i) && self.time_at(d.end).is_none() {
            return None;
        }
        Some((d.end, Expr::Cal(YearRef::Free, Unit::Day(n.v, d.v))))
    }

    fn date_context(&self, i: usize) -> bool {
        let mut j = i;
        while j > 0 && i - j < 3 && super::is_space(self.c[j - 1]) {
            j -= 1;
        }
        let j = if matches!(self.prev(j), ':') {
            j - 1
        } else {
            j
        };
        DATE_CONTEXT.iter().any(|w| {
            let n = w.chars().count();
            j >= n && self.lit(j - n, w).is_some()
        })
    }

    /// `19年5月8日`, `03年`, `八五年`: a year written with two digits.
    pub(super) fn short_year(&self, i: usize, n: Num) -> Option<(usize, Expr)> {
        let two = (n.digits == 2 || (n.cn_digitwise && n.end - i == 2)) && !n.liang;
        if !two {
            return None;
        }
        let j = self.sp(n.end);
        if self.at(j) != '年' {
            return None;
        }
        let yr = YearRef::Short(n.v);
        let k = self.sp(j + 1);
        if let Some(r) = self.year_part(k, yr) {
            return Some(r);
        }
        // Alone, `15年` is more often a duration: take it only when written like a year.
        let leading_zero = n.digits == 2 && self.at(i) == '0';
        let next = self.at(j + 1);
        if "来多间里内以前后轻龄级纪期制薪半左零代度".contains(next) {
            return None;
        }
        let cn_ok = n.cn_digitwise && !self.consecutive_cn(i);
        let ctx = matches!(
            self.prev_nonspace(i),
            '于' | '在' | '自' | '从' | '至' | '到' | '是' | '即'
        );
        if !(leading_zero || cn_ok || ctx) {
            return None;
        }
        Some(self.after_year(j + 1, yr))
    }

    /// `七八年`, `三五年`: an approximate count (`seven or eight years`), not a year.
    fn consecutive_cn(&self, i: usize) -> bool {
        let (Some(a), Some(b)) = (super::cn_value(self.at(i)), super::cn_value(self.at(i + 1)))
        else {
            return false;
        };
        b == a + 1 || (a == 3 && b == 5)
    }

    /// `七十年代`, `80年代`, `八零年代` after an optional century.
    pub(super) fn decade_at(&self, i: usize, century: CenturyRef) -> Option<(usize, Expr)> {
        let n = self.num(i)?;
        // Two digits (`80`, `八零`) or a Chinese tens number (`七十`).
        let two = if n.cn_digitwise {
            n.end - i == 2
        } else {
            n.digits != 1 && n.digits <= 2
        };
        if n.digits == 4 && n.v % 10 == 0 && (1800..=2190).contains(&n.v) {
            // `1980年代`: the century is in the number.
            let e = self.lit(self.sp(n.end), "年代")?;
            let c = CenturyRef::Abs((n.v / 100 + 1) as i32);
            return Some((self.era_suffix(e), Expr::Decade(c, n.v % 100 / 10)));
        }
        if !two || n.v % 10 != 0 || n.v >= 100 {
            return None;
        }
        let d = n.v / 10;
        let e = self.lit(self.sp(n.end), "年代")?;
        Some((self.era_suffix(e), Expr::Decade(century, d)))
    }

    /// `初`, `中期`, `末` after a decade or century: part of the mention, not a narrower period.
    fn era_suffix(&self, e: usize) -> usize {
        self.any(
            e,
            &["初期", "中期", "末期", "后期", "前期", "初", "中", "末"],
        )
        .unwrap_or(e)
    }

    /// `20世纪`, `二十世纪六十年代` at a number.
    pub(super) fn century_number(&self, n: Num) -> Option<(usize, Expr)> {
        if n.cn_digitwise || n.liang || !(18..=22).contains(&n.v) {
            return None;
        }
        let e = self.lit(self.sp(n.end), "世纪")?;
        Some(self.after_century(e, CenturyRef::Abs(n.v as i32)))
    }

    /// `上世纪`, `本世纪` at `i`.
    pub(super) fn century_word(&self, i: usize) -> Option<(usize, Expr)> {
        let (c, e) = [
            ("上个世纪", -1),
            ("上世纪", -1),
            ("本世纪", 0),
            ("这个世纪", 0),
        ]
        .into_iter()
        .find_map(|(w, k)| self.lit(i, w).map(|e| (CenturyRef::Rel(k), e)))?;
        Some(self.after_century(e, c))
    }

    fn after_century(&self, e: usize, c: CenturyRef) -> (usize, Expr) {
        let k = self.sp(e);
        let k = self.lit(k, "的").unwrap_or(k);
        if let Some(r) = self.decade_at(k, c) {
            return r;
        }
        (self.era_suffix(e), Expr::Century(c))
    }

    /// A time of day at `i` (after a day and its part of the day): `09:15`, `6时20分`, `九点半`.
    pub(super) fn time_at(&self, i: usize) -> Option<(usize, Time)> {
        let k = self.sp(i);
        let h = self.num(k)?;
        if h.cn_digitwise || h.v > 24 || (h.digits > 2) {
            return None;
        }
        if h.digits > 0 && self.at(h.end) == ':' {
            let m = self.num(h.end + 1)?;
            if m.digits != 2 || m.v > 59 {
                return None;
            }
            let mut e = m.end;
            if self.at(e) == ':'
                && let Some(s) = self.num(e + 1).filter(|s| s.digits == 2)
            {
                e = s.end;
            }
            return Some((
                e,
                Time {
                    hour: h.v,
                    minute: m.v,
                    minute_given: true,
                },
            ));
        }
        let j = self.any(h.end, &["时", "点"])?;
        if self.at(j) == '钟' {
            return Some((
                j + 1,
                Time {
                    hour: h.v,
                    minute: 0,
                    minute_given: false,
                },
            ));
        }
        if let Some(e) = self.lit(j, "半") {
            return Some((
                e,
                Time {
                    hour: h.v,
                    minute: 30,
                    minute_given: true,
                },
            ));
        }
        if let Some(m) = self
            .num(j)
            .filter(|m| !m.cn_digitwise && !m.liang && m.v < 60)
        {
            let e = self.lit(m.end, "分").unwrap_or(m.end);
            if e > m.end || m.digits == 2 {
                return Some((
                    e,
                    Time {
                        hour: h.v,
                        minute: m.v,
                        minute_given: true,
                    },
                ));
            }
        }
        let e = self.any(j, &["整", "许", "左右"]).unwrap_or(j);
        Some((
            e,
            Time {
                hour: h.v,
                minute: 0,
                minute_given: false,
            },
        ))
    }

    /// A 12-hour clock reading made 24-hour by the part of the day written in `from..to`.
    pub(super) fn to_24h(&self, from: usize, to: usize, t: Time) -> Time {
        let said = |w: &str| (from..to).any(|i| self.lit(i, w).is_some());
        let pm = said("下午") || said("晚") || said("夜") || said("傍晚");
        let noon = said("中午");
        let hour = if (pm && t.hour < 12 && !(said("夜") && t.hour <= 4)) || (noon && t.hour <= 3)
        {
            t.hour + 12
        } else if t.hour == 24 {
            0
        } else {
            t.hour
        };
        Time { hour, ..t }
    }

    /// An amount of time: `半`, `3`, `两`, `十多`, `一年半` -> (value in the unit, whether `半`
    /// follows the unit, end before the unit).
    fn amount(&self, i: usize) -> Option<(u32, usize)> {
        if self.at(i) == '半' {
            return Some((0, i));
        }
        let n = self.num(i)?;
        if n.cn_digitwise || n.v == 0 || n.v > 1000 {
            return None;
        }
        let e = self.any(n.end, &["多"]).unwrap_or(n.end);
        Some((n.v, e))
    }

    /// `N天`, `N个月`, `半年`, `一年半`, `两周` at `i` -> (length, end).
    fn length_at(&self, i: usize) -> Option<(Length, usize)> {
        let (v, k) = self.amount(i)?;
        let half = v == 0;
        let k = if half { k + 1 } else { self.sp(k) };
        let (len, e) = if half && let Some(e) = self.lit(k, "个月") {
            (Length::Days(15), e)
        } else if let Some(e) = self.any(k, &["天", "日"]) {
            (Length::Days(if half { return None } else { v }), e)
        } else if let Some(e) = self.any(k, &["周", "个星期", "星期", "个礼拜"]) {
            (Length::Days(if half { return None } else { 7 * v }), e)
        } else if let Some(e) = self.lit(k, "个月") {
            (Length::Months(if half { return None } else { v }), e)
        } else if let Some(e) = self.lit(k, "个半月") {
            (Length::Days(30 * v + 15), e)
        } else if let Some(e) = self.lit(k, "个季度") {
            (Length::Months(if half { return None } else { 3 * v }), e)
        } else if let Some(e) = self.lit(k, "年半") {
            (Length::Months(12 * v + 6), e)
        } else if let Some(e) = self.lit(k, "年") {
            (Length::Months(if half { 6 } else { 12 * v }), e)
        } else {
            return None;
        };
        // `两年多`: more than; the window is still read as the stated length.
        let e = self.lit(e, "多").unwrap_or(e);
        Some((len, e))
    }

    /// `近半年`, `过去两周`, `未来一周`, `最近30天`: a prefix word then a length.
    pub(super) fn window_word(&self, i: usize) -> Option<(usize, Expr)> {
        const WORDS: &[(&str, WindowDir)] = &[
            ("过去的", WindowDir::Back),
            ("过去", WindowDir::Back),
            ("最近", WindowDir::Back),
            ("近", WindowDir::Back),
            ("未来", WindowDir::Forward),
            ("今后", WindowDir::Forward),
            ("接下来的", WindowDir::Forward),
            ("接下来", WindowDir::Forward),
        ];
        let (dir, k) = WORDS
            .iter()
            .find_map(|&(w, d)| self.lit(i, w).map(|k| (d, k)))?;
        if self.at(i) == '近' && matches!(self.prev(i), '最' | '将' | '接' | '附' | '邻' | '靠')
        {
            return None;
        }
        let (len, e) = self.length_at(self.sp(k))?;
        let e = self
            .any(e, &["以来", "来", "内", "里", "中", "间"])
            .unwrap_or(e);
        Some((e, Expr::Window(dir, len)))
    }

    /// `两年多以来`, `3个月来`, `30天内` at a number.
    pub(super) fn window_number(&self, i: usize) -> Option<(usize, Expr)> {
        let (len, e) = self.length_at(i)?;
        if let Some(j) = self.any(e, &["以来", "来"]) {
            // `3天来看`, `两年来说`: not a window.
            if "看说讲自".contains(self.at(j)) {
                return None;
            }
            return Some((j, Expr::Window(WindowDir::Back, len)));
        }
        let j = self.lit(e, "内")?;
        if self.at(j) == '蒙' {
            return None;
        }
        Some((j, Expr::Window(WindowDir::Within, len)))
    }

    /// `前几天`, `这几天`, `近几天`, `过几天`: days around the publication day.
    pub(super) fn vague_days(&self, i: usize) -> Option<(usize, Expr)> {
        const WORDS: &[(&str, i32, i32)] = &[
            ("前几天", -7, -1),
            ("前些天", -7, -1),
            ("前些日子", -7, -1),
            ("这几天", -3, 3),
            ("这两天", -1, 1),
            ("最近几天", -6, 0),
            ("近几天", -6, 0),
            ("近几日", -6, 0),
            ("再过几天", 1, 7),
            ("过几天", 1, 7),
        ];
        let p = self.prev(i);
        if self.at(i) == '前' && super::compound_before(p) {
            return None;
        }
        WORDS
            .iter()
            .find_map(|&(w, a, b)| self.lit(i, w).map(|e| (e, Expr::Around(a, b))))
    }

    /// `年底`, `年初`, `月末`, `月初` not after a year or month that the scanner read.
    pub(super) fn bare_part(&self, i: usize) -> Option<(usize, Expr)> {
        let p = self.prev(i);
        if p.is_ascii_digit()
            || super::is_cn_digit(p)
            || "今去明前后本当同次翌该其每个上下这那当年".contains(p)
        {
            return None;
        }
        if let Some(e) = self.any(i, &["年初", "年中", "年底", "年末"]) {
            let part = match self.at(i + 1) {
                '初' => 0,
                '中' => 1,
                _ => 2,
            };
            if part == 1 && !matches!(self.at(e), '前' | '后' | '以' | '，' | '。' | '左' | '时')
            {
                return None;
            }
            return Some((e, Expr::Cal(YearRef::Free, Unit::YearPart(part))));
        }
        if self.at(i) == '月' {
            let (part, e) = self.month_part(i + 1)?;
            // A bare `月中` is too often a word boundary (`岁月中`); keep the explicit ones.
            if part == 1 && self.at(i + 1) == '中' && self.at(i + 2) != '旬' {
                return None;
            }
            return Some((e, Expr::RelMonth(MonthShift::Bare, InMonth::Part(part))));
        }
        None
    }

    /// `第N周` after a year or month: (week number, end).
    pub(super) fn week_number(&self, k: usize) -> Option<(u32, usize)> {
        let k = self.lit(k, "的").map(|j| self.sp(j)).unwrap_or(k);
        let j = self.lit(k, "第")?;
        let n = self.small(j, 53)?;
        let e = self.any(self.sp(n.end), &["周", "个星期", "星期"])?;
        if weekday_follows(self.at(e)) {
            return None;
        }
        Some((n.v, e))
    }
}

fn weekday_follows(ch: char) -> bool {
    matches!(
        ch,
        '一' | '二' | '三' | '四' | '五' | '六' | '日' | '天' | '末'
    )
}

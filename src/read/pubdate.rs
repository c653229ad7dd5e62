//! Publication dates as writers and scrapers spell them. The instant and the offset it was
//! written in are both kept: the instant orders and filters, the offset decides which calendar
//! day "昨日" means.

use crate::years::supported_year;
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};

/// Zone-less dates are read in this offset unless `--default-tz` says otherwise: the corpus is
/// Chinese news, written in China Standard Time.
pub const DEFAULT_OFFSET_SECONDS: i32 = 8 * 3600;

pub fn default_offset() -> FixedOffset {
    FixedOffset::east_opt(DEFAULT_OFFSET_SECONDS).expect("+08:00 is within chrono's offset range")
}

/// Parses `+08:00`, `+0800`, `-05`, `UTC`, `Z` or `GMT` into an offset (for `--default-tz`).
pub fn parse_offset(text: &str) -> Result<FixedOffset, String> {
    let t = text.trim();
    if matches!(t.to_ascii_uppercase().as_str(), "UTC" | "Z" | "GMT") {
        return FixedOffset::east_opt(0).ok_or_else(|| "invalid offset".to_string());
    }
    let err = || format!("expected an offset like +08:00, +0800 or UTC, found '{text}'");
    let (sign, rest) = match t.as_bytes().first() {
        Some(b'+') => (1, &t[1..]),
        Some(b'-') => (-1, &t[1..]),
        _ => return Err(err()),
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if !digits.chars().all(|c| c.is_ascii_digit()) || !matches!(digits.len(), 2 | 4) {
        return Err(err());
    }
    let hours: i32 = digits[..2].parse().map_err(|_| err())?;
    let minutes: i32 = if digits.len() == 4 {
        digits[2..].parse().map_err(|_| err())?
    } else {
        0
    };
    if hours > 23 || minutes > 59 {
        return Err(err());
    }
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60)).ok_or_else(err)
}

/// Formats with an explicit offset, tried in order after RFC 2822 and RFC 3339.
const ZONED_FORMATS: &[&str] = &[
    "%Y-%m-%d %H:%M:%S%.f %z",
    "%Y-%m-%d %H:%M:%S %z",
    "%Y-%m-%d %H:%M %z",
    "%Y-%m-%dT%H:%M:%S%.f%z",
    "%Y-%m-%d %H:%M:%S%.f%:z",
    "%Y/%m/%d %H:%M:%S %z",
];

/// Formats without an offset; read in the default offset.
const NAIVE_FORMATS: &[&str] = &[
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y.%m.%d %H:%M:%S",
    "%Y.%m.%d %H:%M",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日%H:%M:%S",
    "%Y年%m月%d日%H:%M",
    "%Y年%m月%d日 %H时%M分",
];

const DATE_FORMATS: &[&str] = &["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d"];

/// A Unix timestamp as pages embed it (`var ct = "1637812345"`, 13 digits when in
/// milliseconds), shown in China Standard Time (+08:00) as RFC 3339: the pages that carry one
/// display their dates in that zone. Years outside 1990..=2099 are not publication times.
pub fn from_unix_timestamp(digits: &str) -> Option<String> {
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let seconds: i64 = match digits.len() {
        10 => digits.parse().ok()?,
        13 => digits.parse::<i64>().ok()? / 1000,
        _ => return None,
    };
    let utc = DateTime::from_timestamp(seconds, 0)?;
    let local = utc.with_timezone(&default_offset());
    (1990..=2099)
        .contains(&local.year())
        .then(|| local.to_rfc3339())
}

/// Parses a publication date. Zone-less forms are read in `default_offset`.
pub fn parse(text: &str, default_offset: FixedOffset) -> Result<DateTime<FixedOffset>, String> {
    let date = parse_any(text, default_offset)?;
    supported_year(date.year()).map_err(|e| format!("{e} (in '{}')", text.trim()))?;
    Ok(date)
}

fn parse_any(text: &str, default_offset: FixedOffset) -> Result<DateTime<FixedOffset>, String> {
    let cleaned = clean(text);
    let t = cleaned.as_str();
    if t.is_empty() || !t.chars().any(|c| c.is_ascii_digit()) {
        return Err(format!("expected a date, found '{}'", text.trim()));
    }
    if let Ok(dt) = DateTime::parse_from_rfc2822(t) {
        return Ok(dt);
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Ok(dt);
    }
    for format in ZONED_FORMATS {
        if let Ok(dt) = DateTime::parse_from_str(t, format) {
            return Ok(dt);
        }
    }
    for format in NAIVE_FORMATS {
        if let Ok(naive) = NaiveDateTime::parse_from_str(t, format) {
            return localize(naive, default_offset, text);
        }
    }
    for format in DATE_FORMATS {
        if let Ok(date) = NaiveDate::parse_from_str(t, format)
            && let Some(naive) = date.and_hms_opt(0, 0, 0)
        {
            return localize(naive, default_offset, text);
        }
    }
    Err(format!(
        "expected a date such as 2021-11-30 17:24, RFC 2822 or RFC 3339, found '{}'",
        text.trim()
    ))
}

fn localize(
    naive: NaiveDateTime,
    offset: FixedOffset,
    text: &str,
) -> Result<DateTime<FixedOffset>, String> {
    offset
        .from_local_datetime(&naive)
        .single()
        .ok_or_else(|| format!("date '{}' does not exist in offset {offset}", text.trim()))
}

/// Drops labels such as `发布时间：` and folds full-width digits and separators, so the format
/// tables above stay short.
fn clean(text: &str) -> String {
    let folded: String = text
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '：' => ':',
            '\u{3000}' | '\u{A0}' => ' ',
            _ => c,
        })
        .collect();
    let start = folded
        .char_indices()
        .find(|(_, c)| c.is_ascii_digit() || c.is_ascii_alphabetic())
        .map_or(folded.len(), |(i, _)| i);
    // RFC 2822 starts with a weekday name; anything else starts at the first digit.
    let trimmed = &folded[start..];
    let trimmed =
        if trimmed.starts_with(|c: char| c.is_ascii_alphabetic()) && !looks_like_rfc2822(trimmed) {
            trimmed.trim_start_matches(|c: char| !c.is_ascii_digit())
        } else {
            trimmed
        };
    trimmed.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn looks_like_rfc2822(t: &str) -> bool {
    const DAYS: &[&str] = &["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    DAYS.iter().any(|d| t.starts_with(d))
}

/// A day written in a file name: `2021-12-08-title` (Jekyll) or a digit run that opens with
/// `YYYYMMDD` (`20220526…`, common in scraper ids). Only plausible days count: from 1990 to
/// today.
pub fn from_file_name(
    stem: &str,
    offset: FixedOffset,
    now: DateTime<FixedOffset>,
) -> Option<DateTime<FixedOffset>> {
    let bytes = stem.as_bytes();
    let digits_at = |i: usize, n: usize| {
        bytes
            .get(i..i + n)
            .is_some_and(|s| s.iter().all(u8::is_ascii_digit))
    };
    let num = |i: usize, n: usize| stem.get(i..i + n).and_then(|s| s.parse::<u32>().ok());
    let plausible = |y: Option<u32>, m: Option<u32>, d: Option<u32>| {
        let date = NaiveDate::from_ymd_opt(i32::try_from(y?).ok()?, m?, d?)?;
        (date.year() >= 1990 && date <= now.date_naive()).then_some(date)
    };
    for i in 0..bytes.len() {
        let run_start = i == 0 || !bytes[i - 1].is_ascii_digit();
        if !run_start || !digits_at(i, 4) {
            continue;
        }
        let found = if bytes.get(i + 4) == Some(&b'-')
            && digits_at(i + 5, 2)
            && bytes.get(i + 7) == Some(&b'-')
            && digits_at(i + 8, 2)
        {
            plausible(num(i, 4), num(i + 5, 2), num(i + 8, 2))
        } else if digits_at(i, 8) {
            plausible(num(i, 4), num(i + 4, 2), num(i + 6, 2))
        } else {
            None
        };
        if let Some(naive) = found.and_then(|d| d.and_hms_opt(0, 0, 0)) {
            return localize(naive, offset, stem).ok();
        }
    }
    None
}

/// A reason to doubt a date that parsed: scrapers fill in epoch zero, 1900 or far futures.
pub fn suspicious(date: &DateTime<FixedOffset>, now: DateTime<FixedOffset>) -> Option<String> {
    let year = date.year();
    if year < 1900 {
        Some(format!("year {year} is before 1900"))
    } else if year > now.year() + 1 {
        Some(format!("year {year} is after next year"))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_timestamps_are_shown_in_china_standard_time() {
        assert_eq!(
            from_unix_timestamp("1637812345").as_deref(),
            Some("2021-11-25T11:52:25+08:00")
        );
        assert_eq!(
            from_unix_timestamp("1637812345678").as_deref(),
            Some("2021-11-25T11:52:25+08:00")
        );
        assert_eq!(from_unix_timestamp("16378"), None);
        assert_eq!(from_unix_timestamp("99999999999"), None);
        assert_eq!(from_unix_timestamp("0000000001"), None);
        assert_eq!(from_unix_timestamp("16378a2345"), None);
    }

    fn cst() -> FixedOffset {
        FixedOffset::east_opt(8 * 3600).unwrap()
    }

    fn p(text: &str) -> String {
        parse(text, cst()).unwrap().to_rfc3339()
    }

    #[test]
    fn seed_forms() {
        assert_eq!(
            p("Tue, 30 Nov 2021 17:24:02 GMT"),
            "2021-11-30T17:24:02+00:00"
        );
        assert_eq!(p("2022-01-27 12:15:04 +0800"), "2022-01-27T12:15:04+08:00");
    }

    #[test]
    fn rfc3339_and_zoned_forms() {
        assert_eq!(p("2019-09-07T08:05:32+08:00"), "2019-09-07T08:05:32+08:00");
        assert_eq!(p("2019-09-07T00:05:32Z"), "2019-09-07T00:05:32+00:00");
        assert_eq!(
            p("2019-09-07 08:05:32.25 +0800"),
            "2019-09-07T08:05:32.250+08:00"
        );
    }

    #[test]
    fn zone_less_forms_take_the_default_offset() {
        assert_eq!(p("2021-12-08 10:18:31"), "2021-12-08T10:18:31+08:00");
        assert_eq!(p("2021-12-08 10:18"), "2021-12-08T10:18:00+08:00");
        assert_eq!(p("2021-12-08"), "2021-12-08T00:00:00+08:00");
        assert_eq!(p("2021/12/8 9:05"), "2021-12-08T09:05:00+08:00");
        assert_eq!(p("2021年11月30日 17:24"), "2021-11-30T17:24:00+08:00");
        assert_eq!(p("2019年09月09日 20:52"), "2019-09-09T20:52:00+08:00");
        assert_eq!(p("2021年11月30日"), "2021-11-30T00:00:00+08:00");
        let utc = FixedOffset::east_opt(0).unwrap();
        assert_eq!(
            parse("2021-12-08 10:18", utc).unwrap().to_rfc3339(),
            "2021-12-08T10:18:00+00:00"
        );
    }

    #[test]
    fn labels_and_full_width_digits() {
        assert_eq!(
            p("发布时间：2019-09-07 08:05:32"),
            "2019-09-07T08:05:32+08:00"
        );
        assert_eq!(
            p("２０２１年１１月３０日　１７：２４"),
            "2021-11-30T17:24:00+08:00"
        );
    }

    #[test]
    fn missing_and_impossible_dates_are_errors() {
        assert_eq!(
            parse(" +0800", cst()).unwrap_err(),
            "expected a date such as 2021-11-30 17:24, RFC 2822 or RFC 3339, found '+0800'"
        );
        assert_eq!(parse("", cst()).unwrap_err(), "expected a date, found ''");
        assert!(parse("2021-02-30 10:00", cst()).is_err());
        assert!(parse("yesterday", cst()).is_err());
        assert_eq!(
            parse("2999-01-01", cst()).unwrap_err(),
            "year 2999 is outside the supported range 1700-2200 (in '2999-01-01')"
        );
        assert!(parse("1600-01-01 10:00", cst()).is_err());
    }

    #[test]
    fn offsets() {
        assert_eq!(parse_offset("+08:00").unwrap(), cst());
        assert_eq!(parse_offset("+0800").unwrap(), cst());
        assert_eq!(parse_offset("UTC").unwrap().local_minus_utc(), 0);
        assert_eq!(parse_offset("-05").unwrap().local_minus_utc(), -5 * 3600);
        assert!(parse_offset("Asia/Shanghai").is_err());
        assert!(parse_offset("+25:00").is_err());
    }

    #[test]
    fn dates_in_file_names() {
        let now = DateTime::parse_from_rfc3339("2026-11-22T00:00:00+08:00").unwrap();
        let day = |s: &str| from_file_name(s, cst(), now).map(|d| d.to_rfc3339());
        assert_eq!(
            day("2021-12-08-202112082206703990").as_deref(),
            Some("2021-12-08T00:00:00+08:00")
        );
        assert_eq!(
            day("-202205262391921712").as_deref(),
            Some("2022-05-26T00:00:00+08:00")
        );
        assert_eq!(
            day("news_20190907").as_deref(),
            Some("2019-09-07T00:00:00+08:00")
        );
        assert_eq!(day("hexo-12948660028"), None, "12948660 is no date");
        assert_eq!(day("report-20991231"), None, "in the future");
        assert_eq!(day("v19851231"), None, "before 1990");
        assert_eq!(day("notes"), None);
        assert_eq!(day("x2021-1-5"), None);
    }

    #[test]
    fn suspicious_years() {
        let now = p("2026-11-22T00:00:00+08:00");
        let now = DateTime::parse_from_rfc3339(&now).unwrap();
        let old = parse("1899-12-31", cst()).unwrap();
        assert_eq!(
            suspicious(&old, now).as_deref(),
            Some("year 1899 is before 1900")
        );
        let far = parse("2031-01-01", cst()).unwrap();
        assert_eq!(
            suspicious(&far, now).as_deref(),
            Some("year 2031 is after next year")
        );
        assert_eq!(suspicious(&now, now), None);
    }
}

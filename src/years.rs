//! The years newsidx can store. Reading, analysis and query filters all refuse dates outside
//! this range with the same message, because tantivy keeps instants as i64 nanoseconds (about
//! years 1677 to 2262) and a date beyond that would overflow rather than fail. The day and
//! period parsers here are shared by the command line and the web API.

use chrono::{Datelike, NaiveDate};

/// Years the index can store.
pub const SUPPORTED_YEARS: std::ops::RangeInclusive<i32> = 1700..=2200;

/// Whether the index can hold a date of this year; the error says which range it can.
pub fn supported_year(year: i32) -> Result<(), String> {
    if SUPPORTED_YEARS.contains(&year) {
        Ok(())
    } else {
        Err(format!(
            "year {year} is outside the supported range {}-{}",
            SUPPORTED_YEARS.start(),
            SUPPORTED_YEARS.end()
        ))
    }
}

/// A day written `YYYY-MM-DD` (publication filters, `--since`/`--until`, `since=`/`until=`).
pub fn parse_day(text: &str) -> Result<NaiveDate, String> {
    let day = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("expected a day as YYYY-MM-DD, found '{text}'"))?;
    supported(day).map(|_| day)
}

/// Dates the index can hold; asking for others is a mistake worth saying so.
fn supported(day: NaiveDate) -> Result<(), String> {
    supported_year(day.year())
}

/// `2021`, `2021-09` or `2021-09-17` as its first and last day.
pub fn parse_period(text: &str) -> Result<(NaiveDate, NaiveDate), String> {
    let (first, last) = period_days(text)?;
    supported(first)?;
    supported(last)?;
    Ok((first, last))
}

fn period_days(text: &str) -> Result<(NaiveDate, NaiveDate), String> {
    let err =
        || format!("expected a year, month or day (2021, 2021-09, 2021-09-17), found '{text}'");
    let parts: Vec<&str> = text.trim().split('-').collect();
    let num = |s: &str| s.parse::<u32>().map_err(|_| err());
    let year = i32::try_from(num(parts.first().copied().unwrap_or(""))?).map_err(|_| err())?;
    let day = |m: u32, d: u32| NaiveDate::from_ymd_opt(year, m, d).ok_or_else(err);
    match parts.len() {
        1 => Ok((day(1, 1)?, day(12, 31)?)),
        2 => {
            let month = num(parts[1])?;
            let first = day(month, 1)?;
            let next = if month == 12 {
                NaiveDate::from_ymd_opt(year + 1, 1, 1)
            } else {
                day(month + 1, 1).ok()
            };
            Ok((first, next.and_then(|n| n.pred_opt()).ok_or_else(err)?))
        }
        3 => {
            let d = day(num(parts[1])?, num(parts[2])?)?;
            Ok((d, d))
        }
        _ => Err(err()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_range_ends_are_inclusive_and_named_in_the_error() {
        assert_eq!(supported_year(1700), Ok(()));
        assert_eq!(supported_year(2200), Ok(()));
        assert_eq!(
            supported_year(2201),
            Err("year 2201 is outside the supported range 1700-2200".to_string())
        );
    }
}

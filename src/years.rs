//! The years newsidx can store. Reading, analysis and query filters all refuse dates outside
//! this range with the same message, because tantivy keeps instants as i64 nanoseconds (about
//! years 1677 to 2262) and a date beyond that would overflow rather than fail.

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

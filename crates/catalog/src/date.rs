//! A calendar date without time zone or clock.
//!
//! The core never reads the clock: every date comes in as data. This small type is enough for
//! application dates of laws, evidence dates and roadmap timelines, and it keeps the core free
//! of a date-time dependency.

use std::fmt;

/// A proleptic Gregorian calendar date.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Date {
    // Invariant: a valid date (month 1..=12, day within the month, year 1..=9999).
    year: i32,
    month: u8,
    day: u8,
}

/// Why a text is not a date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateError(pub String);

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        _ => 28,
    }
}

impl Date {
    /// Builds a date, refusing impossible ones (2026-02-30).
    pub fn new(year: i32, month: u8, day: u8) -> Result<Date, DateError> {
        if !(1..=9999).contains(&year) {
            return Err(DateError(format!("year {year} is out of range 1..9999")));
        }
        if !(1..=12).contains(&month) {
            return Err(DateError(format!("month {month} is not 1..12")));
        }
        let last = days_in_month(year, month);
        if day == 0 || day > last {
            return Err(DateError(format!(
                "day {day} does not exist in {year}-{month:02} (it has {last} days)"
            )));
        }
        Ok(Date { year, month, day })
    }

    /// Parses `YYYY-MM-DD` exactly.
    pub fn parse(text: &str) -> Result<Date, DateError> {
        let bytes = text.as_bytes();
        let shape_ok = bytes.len() == 10
            && bytes.get(4) == Some(&b'-')
            && bytes.get(7) == Some(&b'-')
            && bytes
                .iter()
                .enumerate()
                .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
        if !shape_ok {
            return Err(DateError(format!(
                "`{text}` is not a date in the form YYYY-MM-DD"
            )));
        }
        let number = |range: std::ops::Range<usize>| -> i32 {
            text.get(range)
                .and_then(|s| s.parse::<i32>().ok())
                .unwrap_or(0)
        };
        let year = number(0..4);
        let month = u8::try_from(number(5..7)).unwrap_or(0);
        let day = u8::try_from(number(8..10)).unwrap_or(0);
        Date::new(year, month, day).map_err(|e| DateError(format!("`{text}`: {e}")))
    }

    pub fn year(self) -> i32 {
        self.year
    }
    pub fn month(self) -> u8 {
        self.month
    }
    pub fn day(self) -> u8 {
        self.day
    }

    /// Days since 1970-01-01 (negative before), by the civil-from-days algorithm. Years are
    /// 1 to 9999, so every quantity before the last step is a small unsigned number: the
    /// divisions need no sign fix-ups (the engine asks for thousands of these per result).
    pub fn to_days(self) -> i64 {
        let year = u32::try_from(self.year).unwrap_or(0);
        let y = year.saturating_sub(u32::from(self.month <= 2));
        let (era, yoe) = (y / 400, y % 400);
        let m = u32::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + u32::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        i64::from(era * 146_097 + doe) - 719_468
    }

    /// The date `days` days after 1970-01-01. Saturates at the supported range.
    pub fn from_days(days: i64) -> Date {
        let z = days.saturating_add(719_468);
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        // The algorithm gives a valid month and day of its year: inside the supported years
        // the date is built as it is (a roadmap asks for two per task); outside, the year is
        // clamped and the day checked again.
        if let (Ok(year @ 1..=9999), Ok(month), Ok(day)) =
            (i32::try_from(year), u8::try_from(month), u8::try_from(day))
        {
            return Date { year, month, day };
        }
        let year = i32::try_from(year.clamp(1, 9999)).unwrap_or(9999);
        Date::new(
            year,
            u8::try_from(month).unwrap_or(1),
            u8::try_from(day).unwrap_or(1),
        )
        .unwrap_or(Date {
            year,
            month: 1,
            day: 1,
        })
    }

    /// This date moved by a number of days (negative moves back). Saturates at the supported
    /// range, like [`Date::from_days`].
    pub fn add_days(self, days: i64) -> Date {
        Date::from_days(self.to_days().saturating_add(days))
    }

    /// Days from `self` to `other` (positive when `other` is later).
    pub fn days_until(self, other: Date) -> i64 {
        other.to_days() - self.to_days()
    }
}

impl fmt::Display for Date {
    /// `YYYY-MM-DD`, written digit by digit: results and their reports print thousands of
    /// dates, where `write!` with padded fields costs several times as much.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(year) = u16::try_from(self.year).ok().filter(|year| *year <= 9999) else {
            return write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day);
        };
        let digit = |value: u16| b'0' + (value % 10) as u8;
        let (month, day) = (u16::from(self.month), u16::from(self.day));
        let text = [
            digit(year / 1000),
            digit(year / 100),
            digit(year / 10),
            digit(year),
            b'-',
            digit(month / 10),
            digit(month),
            b'-',
            digit(day / 10),
            digit(day),
        ];
        // Only ASCII digits and hyphens: always UTF-8.
        f.write_str(std::str::from_utf8(&text).map_err(|_| fmt::Error)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every day of 2024 to 2028, and the first and last day of every year from 1 to 9999,
    /// print as the padded fields always printed.
    #[test]
    fn display_is_the_padded_fields() {
        let padded = |date: Date| format!("{:04}-{:02}-{:02}", date.year, date.month, date.day);
        let mut dates: Vec<Date> = (1..=9999)
            .flat_map(|year| [(1, 1), (12, 31)].map(|(month, day)| Date { year, month, day }))
            .collect();
        let start = Date {
            year: 2024,
            month: 1,
            day: 1,
        }
        .to_days();
        dates.extend((0..5 * 366).map(|n| Date::from_days(start + n)));
        for date in &dates {
            assert_eq!(date.to_string(), padded(*date));
        }
        assert_eq!(dates.len(), 2 * 9999 + 5 * 366);
    }

    #[test]
    fn parse_and_display_round_trip() {
        for text in ["2026-11-29", "2024-02-29", "2000-02-29", "1999-12-31"] {
            assert_eq!(
                Date::parse(text).map(|d| d.to_string()),
                Ok(text.to_string())
            );
        }
    }

    #[test]
    fn impossible_dates_are_refused_with_a_reason() {
        for text in [
            "2026-02-29",
            "2026-13-01",
            "2026-04-31",
            "2026-1-01",
            "20260101",
            "2100-02-29",
        ] {
            let error = Date::parse(text).err();
            assert!(error.is_some(), "{text} should not parse");
        }
        let error = Date::parse("2026-02-30")
            .err()
            .map(|e| e.0)
            .unwrap_or_default();
        assert!(error.contains("28 days"), "{error}");
    }

    /// Regression: `team_fte: 1e-300` made a roadmap of i64::MAX days, and moving a date that
    /// far overflowed (a panic in debug builds, a wrapped year 1 in release builds). Found by the
    /// hostile-input corpus.
    #[test]
    fn day_arithmetic_saturates_at_the_supported_range() {
        let start = Date {
            year: 2026,
            month: 11,
            day: 29,
        };
        assert_eq!(start.add_days(i64::MAX).year(), 9999);
        assert_eq!(start.add_days(i64::MIN).year(), 1);
        assert_eq!(Date::from_days(i64::MAX).year(), 9999);
        assert_eq!(Date::from_days(i64::MIN).year(), 1);
    }

    #[test]
    fn day_arithmetic_matches_the_calendar() {
        let start = Date::parse("2026-11-29").unwrap_or(Date {
            year: 1,
            month: 1,
            day: 1,
        });
        assert_eq!(start.add_days(3).to_string(), "2026-12-02");
        assert_eq!(start.add_days(-365).to_string(), "2025-11-29");
        assert_eq!(Date::from_days(0).to_string(), "1970-01-01");
        let later = Date::parse("2027-12-02").unwrap_or(start);
        assert_eq!(start.days_until(later), 368);
        // Every day of four years round-trips.
        let base = Date::parse("2023-01-01").unwrap_or(start).to_days();
        for offset in 0..1461 {
            let date = Date::from_days(base + offset);
            assert_eq!(date.to_days(), base + offset);
        }
    }

    /// Every day from 0001-01-01 to 9999-12-31 counts as the signed form of the algorithm
    /// counts it, the days follow one another without a gap, and each day number gives its
    /// date back.
    #[test]
    fn days_of_every_supported_date_match_the_signed_algorithm() {
        let signed = |date: Date| {
            let y = i64::from(date.year) - i64::from(date.month <= 2);
            let era = y.div_euclid(400);
            let yoe = y - era * 400;
            let m = i64::from(date.month);
            let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(date.day) - 1;
            era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
        };
        let mut previous: Option<i64> = None;
        let mut count = 0;
        for year in 1..=9999 {
            for month in 1..=12 {
                for day in 1..=days_in_month(year, month) {
                    let date = Date { year, month, day };
                    let days = date.to_days();
                    assert_eq!(days, signed(date), "{date}");
                    assert_eq!(Date::from_days(days), date, "{days}");
                    assert!(previous.is_none_or(|p| p + 1 == days), "{date}");
                    previous = Some(days);
                    count += 1;
                }
            }
        }
        assert_eq!(count, 3_652_059);
    }
}

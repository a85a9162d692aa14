//! Calendar dates written `YYYY-MM-DD` (proleptic Gregorian, leap years included), counted as
//! days since 1970-01-01. Strict: a date that does not exist (`2027-02-30`, month 13) is an
//! error, never rolled over into the next month.

/// Why a text is not a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateError {
    /// Not `YYYY-MM-DD`: a year of 4 to 9 digits, then a 2-digit month and a 2-digit day.
    Syntax,
    /// The shape is right but the day does not exist (`2027-02-30`, `2026-13-01`).
    NotCalendar,
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date.
pub fn parse(s: &str) -> Result<i64, DateError> {
    let mut parts = s.split('-');
    let (Some(y), Some(m), Some(d), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(DateError::Syntax);
    };
    let digits = |p: &str, min: usize, max: usize| {
        (min..=max).contains(&p.len()) && p.bytes().all(|c| c.is_ascii_digit())
    };
    if !(digits(y, 4, 9) && digits(m, 2, 2) && digits(d, 2, 2)) {
        return Err(DateError::Syntax);
    }
    let y: i64 = y.parse().map_err(|_| DateError::Syntax)?;
    let m: u32 = m.parse().map_err(|_| DateError::Syntax)?;
    let d: u32 = d.parse().map_err(|_| DateError::Syntax)?;
    if d == 0 || d > days_in_month(y, m) {
        return Err(DateError::NotCalendar);
    }
    Ok(days_from_civil(y, m, d))
}

/// Whether `y` is a leap year.
pub fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

/// Days in month `m` of year `y` (0 for a month that does not exist).
pub fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a valid date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let (m, d) = (i64::from(m), i64::from(d));
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count (`civil_from_days`): year, month, day.
pub fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    // `m` is 1..=12 and `d` 1..=31 by construction.
    (
        y,
        u32::try_from(m).unwrap_or(1),
        u32::try_from(d).unwrap_or(1),
    )
}

/// Today (UTC) by the system clock, as days since 1970-01-01: for the binary and the engine,
/// which pass the run's date on; the evaluator never reads the clock.
pub fn system_today() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs() / 86_400).unwrap_or(0))
        .unwrap_or(0)
}

/// `YYYY-MM-DD` of a day count.
pub fn format(days: i64) -> String {
    let (y, m, d) = civil(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The same day `years` years later (29 February becomes 28 February in a common year).
pub fn add_years(days: i64, years: u32) -> i64 {
    let (y, m, d) = civil(days);
    let y = y + i64::from(years);
    days_from_civil(y, m, d.min(days_in_month(y, m)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_dates_only() {
        assert_eq!(parse("1970-01-01"), Ok(0));
        assert_eq!(parse("1970-01-02"), Ok(1));
        assert_eq!(parse("2000-03-01"), Ok(11_017));
        assert!(parse("2024-02-29").is_ok());
        assert!(parse("2000-02-29").is_ok());
        assert_eq!(parse("2027-02-29"), Err(DateError::NotCalendar));
        assert_eq!(parse("1900-02-29"), Err(DateError::NotCalendar));
        assert_eq!(parse("2027-02-30"), Err(DateError::NotCalendar));
        assert_eq!(parse("2026-04-31"), Err(DateError::NotCalendar));
        assert_eq!(parse("2026-13-01"), Err(DateError::NotCalendar));
        assert_eq!(parse("2026-00-10"), Err(DateError::NotCalendar));
        assert_eq!(parse("2026-01-00"), Err(DateError::NotCalendar));
        assert!(parse("99999-12-31").is_ok());
        for bad in [
            "",
            "2026",
            "2026-1-01",
            "2026-01-1",
            " 2026-01-01",
            "2026-01-01 ",
            "+2026-01-01",
            "-2026-01-01",
            "2026-01-01-",
            "２０２６-01-01",
            "2026-01-0x",
            "1234567890-01-01",
            "2026/01/01",
            "26-01-01",
        ] {
            assert_eq!(parse(bad), Err(DateError::Syntax), "{bad:?}");
        }
    }

    #[test]
    fn round_trips_and_adds_years() {
        for s in [
            "0001-01-01",
            "1969-12-31",
            "2024-02-29",
            "2026-12-07",
            "99999-12-31",
        ] {
            let d = parse(s).unwrap();
            assert_eq!(format(d), s);
        }
        // Every day of four centuries round-trips.
        let start = parse("1900-01-01").unwrap();
        for d in start..start + 146_097 {
            let (y, m, day) = civil(d);
            assert_eq!(days_from_civil(y, m, day), d);
            assert!(day >= 1 && day <= days_in_month(y, m));
        }
        let leap = parse("2024-02-29").unwrap();
        assert_eq!(format(add_years(leap, 3)), "2027-02-28");
        assert_eq!(format(add_years(leap, 4)), "2028-02-29");
        assert_eq!(
            format(add_years(parse("2026-12-07").unwrap(), 3)),
            "2029-12-07"
        );
    }
}

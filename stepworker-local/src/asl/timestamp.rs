//! RFC 3339 timestamps as Choice and Wait states read them.
//!
//! AWS: timestamps "must conform to the RFC3339 profile of ISO 8601, with the
//! further restrictions that an uppercase T must separate the date and time
//! portions, and an uppercase Z must denote that a numeric time zone offset
//! is not present", e.g. `2016-08-18T17:33:00Z`.

const NANOS_PER_SECOND: i128 = 1_000_000_000;

/// Parses an RFC 3339 timestamp into nanoseconds since the Unix epoch, or
/// `None` if it is not one.
pub fn parse_timestamp_nanos(text: &str) -> Option<i128> {
    // Only ASCII can be valid, and checking it first makes every slice
    // below fall on a character boundary.
    if !text.is_ascii() {
        return None;
    }
    let bytes = text.as_bytes();
    if bytes.len() < 20 || bytes[4] != b'-' || bytes[7] != b'-' || bytes[10] != b'T' {
        return None;
    }
    if bytes[13] != b':' || bytes[16] != b':' {
        return None;
    }
    let year = digits(&text[0..4])?;
    let month = digits(&text[5..7])?;
    let day = digits(&text[8..10])?;
    let hour = digits(&text[11..13])?;
    let minute = digits(&text[14..16])?;
    let second = digits(&text[17..19])?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    // RFC 3339 allows a leap second (60); it is folded into the next second.
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let (fraction_nanos, zone) = split_fraction(&text[19..])?;
    let offset_seconds = zone_offset_seconds(zone)?;
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offset_seconds;
    Some(i128::from(seconds) * NANOS_PER_SECOND + fraction_nanos)
}

/// Parses a timestamp into epoch milliseconds (fractions below a
/// millisecond are dropped).
pub fn parse_timestamp_millis(text: &str) -> Option<i64> {
    let nanos = parse_timestamp_nanos(text)?;
    i64::try_from(nanos.div_euclid(1_000_000)).ok()
}

fn digits(text: &str) -> Option<i64> {
    if text.bytes().all(|b| b.is_ascii_digit()) {
        text.parse().ok()
    } else {
        None
    }
}

/// Splits `.123456Z` / `+01:00` into the fraction (as nanoseconds) and the zone.
fn split_fraction(rest: &str) -> Option<(i128, &str)> {
    let Some(after_dot) = rest.strip_prefix('.') else {
        return Some((0, rest));
    };
    let len = after_dot
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(after_dot.len());
    if len == 0 {
        return None;
    }
    let fraction = &after_dot[..len];
    let mut nanos: i128 = 0;
    for (i, b) in fraction.bytes().take(9).enumerate() {
        nanos += i128::from(b - b'0') * 10i128.pow(8 - i as u32);
    }
    Some((nanos, &after_dot[len..]))
}

fn zone_offset_seconds(zone: &str) -> Option<i64> {
    if zone == "Z" {
        return Some(0);
    }
    let bytes = zone.as_bytes();
    if bytes.len() != 6 || bytes[3] != b':' {
        return None;
    }
    let sign = match bytes[0] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let hours = digits(&zone[1..3])?;
    let minutes = digits(&zone[4..6])?;
    if hours > 23 || minutes > 59 {
        return None;
    }
    Some(sign * (hours * 3_600 + minutes * 60))
}

fn is_leap_year(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let shifted_month = (month + 9) % 12;
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_utc_offsets_and_fractions() {
        assert_eq!(parse_timestamp_millis("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_timestamp_millis("2016-08-18T17:33:00Z"),
            Some(1_471_541_580_000)
        );
        assert_eq!(
            parse_timestamp_millis("2016-08-18T19:33:00+02:00"),
            Some(1_471_541_580_000)
        );
        assert_eq!(
            parse_timestamp_nanos("2016-08-18T17:33:00.000000001Z"),
            Some(1_471_541_580_000_000_001)
        );
        assert_eq!(
            parse_timestamp_millis("2016-08-18T17:33:00.5Z"),
            Some(1_471_541_580_500)
        );
        assert_eq!(
            parse_timestamp_millis("2024-02-29T00:00:00Z"),
            Some(1_709_164_800_000)
        );
    }

    #[test]
    fn rejects_lowercase_separators_and_bad_fields() {
        for bad in [
            "2016-08-18t17:33:00Z",
            "2016-08-18T17:33:00z",
            "2016-08-18 17:33:00Z",
            "2016-08-18T17:33:00",
            "2016-13-18T17:33:00Z",
            "2023-02-29T00:00:00Z",
            "2016-08-18T24:00:00Z",
            "2016-08-18T17:33:00.Z",
            "2016-08-18T17:33:00+0200",
            "not a timestamp at all",
            "２０１６-08-18T17:33:00Z",
        ] {
            assert_eq!(
                parse_timestamp_nanos(bad),
                None,
                "{bad:?} should be rejected"
            );
        }
    }
}

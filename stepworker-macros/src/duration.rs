//! Durations written in attributes: a whole number and a unit (`30s`, `5m`, `2h`).

/// The longest duration a Task state accepts (`TimeoutSeconds` and
/// `HeartbeatSeconds` are capped at 99,999,999 by the service).
const MAX_SECONDS: u64 = 99_999_999;

/// Parses `text` into whole seconds, or says what is wrong with it.
pub(crate) fn parse_seconds(text: &str) -> Result<u64, String> {
    let unit_at = text
        .find(|c: char| !c.is_ascii_digit())
        .ok_or_else(|| format!("`{text}` has no unit; write it like `30s`, `5m` or `2h`"))?;
    let (digits, unit) = text.split_at(unit_at);
    let multiplier = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        _ => {
            return Err(format!(
                "`{text}` is not a duration; write a whole number followed by `s`, `m` or `h`"
            ))
        }
    };
    let count: u64 = digits
        .parse()
        .map_err(|_| format!("`{text}` has no number; write it like `30s`, `5m` or `2h`"))?;
    let seconds = count
        .checked_mul(multiplier)
        .filter(|s| *s <= MAX_SECONDS)
        .ok_or_else(|| {
            format!("`{text}` is longer than the {MAX_SECONDS} seconds Step Functions accepts")
        })?;
    if seconds == 0 {
        return Err(format!(
            "`{text}` is zero; a duration must be at least one second"
        ));
    }
    Ok(seconds)
}

#[cfg(test)]
mod tests {
    use super::parse_seconds;

    #[test]
    fn accepts_seconds_minutes_and_hours() {
        assert_eq!(parse_seconds("45s"), Ok(45));
        assert_eq!(parse_seconds("5m"), Ok(300));
        assert_eq!(parse_seconds("2h"), Ok(7200));
    }

    #[test]
    fn rejects_malformed_text() {
        for bad in [
            "",
            "10",
            "s",
            "10 s",
            "1.5m",
            "10d",
            "-5s",
            "0s",
            "99999999999h",
        ] {
            assert!(parse_seconds(bad).is_err(), "{bad:?} was accepted");
        }
    }
}

//! The service's rule for activity names, checked at compile time.

/// Says what is wrong with `name` as an activity name, if anything.
///
/// Step Functions accepts 1-80 characters of `[A-Za-z0-9_-]`.
pub(crate) fn check_activity_name(name: &str) -> Result<(), String> {
    let length = name.chars().count();
    if !(1..=80).contains(&length) {
        return Err(format!(
            "activity name `{name}` has {length} characters; Step Functions accepts 1 to 80"
        ));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
    {
        return Err(format!(
            "activity name `{name}` contains {bad:?}; Step Functions accepts only letters, digits, `_` and `-`"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check_activity_name;

    #[test]
    fn accepts_the_service_charset_up_to_80() {
        assert!(check_activity_name("resize-image_v2").is_ok());
        assert!(check_activity_name(&"a".repeat(80)).is_ok());
    }

    #[test]
    fn rejects_empty_long_and_foreign_characters() {
        for bad in ["", "has space", "dot.ted", "ünï", &"a".repeat(81)] {
            assert!(check_activity_name(bad).is_err(), "{bad:?} was accepted");
        }
    }
}

//! Which variable names are valid.

/// `$states` is reserved for the state's input, result and context.
pub const RESERVED_VARIABLE: &str = "states";

/// Why `name` cannot be a variable name, or `Ok`.
///
/// A name starts with a letter or `_` and goes on with letters, digits and
/// `_` (Unicode letters and digits count), so that `$name` reads the same
/// in a JSONPath and in a JSONata expression.
pub fn check_variable_name(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return Err("a variable name must not be empty".to_owned());
    };
    if !(first.is_alphabetic() || first == '_') {
        return Err(format!(
            "the variable name '{name}' must start with a letter or '_'"
        ));
    }
    if !chars.all(|c| c.is_alphanumeric() || c == '_') {
        return Err(format!(
            "the variable name '{name}' may only contain letters, digits and '_'"
        ));
    }
    if name == RESERVED_VARIABLE {
        return Err(format!("the variable name '{name}' is reserved"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_identifier_rules() {
        for good in ["x", "_x", "order_id2", "größe"] {
            assert_eq!(check_variable_name(good), Ok(()), "{good}");
        }
        for bad in ["", "1x", "a-b", "a.b", "a b", "states", "$x"] {
            assert!(check_variable_name(bad).is_err(), "{bad}");
        }
    }
}

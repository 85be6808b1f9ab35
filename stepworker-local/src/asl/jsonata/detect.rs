//! Telling a JSONata expression string from a literal one.
//!
//! AWS: a field value is an expression when the whole string starts with
//! `{%` and ends with `%}` (no whitespace outside the delimiters); any other
//! string is a literal, even one that contains `{%` somewhere inside.

const OPEN: &str = "{%";
const CLOSE: &str = "%}";

/// The expression between `{%` and `%}`, trimmed, when `text` is one.
/// `"{%%}"` has an empty body, which the parser then rejects.
pub fn expression_body(text: &str) -> Option<&str> {
    let inner = text.strip_prefix(OPEN)?.strip_suffix(CLOSE)?;
    Some(inner.trim())
}

/// True when `text` is a `{% ... %}` expression.
pub fn is_expression(text: &str) -> bool {
    // The suffix is stripped after the prefix, so `{%}` cannot share its
    // `%` between both delimiters.
    expression_body(text).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_whole_strings_in_delimiters_are_expressions() {
        assert_eq!(
            expression_body("{% $states.input %}"),
            Some("$states.input")
        );
        assert_eq!(expression_body("{%1%}"), Some("1"));
        assert!(is_expression("{%%}"));
        assert!(!is_expression("{%}"));
        assert!(!is_expression(" {% 1 %}"));
        assert!(!is_expression("{% 1 %} "));
        assert!(!is_expression("text {% 1 %}"));
        assert!(!is_expression("$.path"));
    }
}

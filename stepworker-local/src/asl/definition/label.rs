//! The Distributed Map `Label` rules, checked when a machine is created.
//!
//! Developer guide, "Map state in Distributed mode", field `Label`: at most
//! 40 characters, and none of whitespace, brackets `< > { } [ ]`, wildcards
//! `? *`, the special characters ``" # % \ ^ | ~ ` $ & , ; : /``, or control
//! characters (U+0000-U+001F, U+007F-U+009F). The answer to a bad label is
//! an `InvalidDefinition` whose message was recorded against AWS (LocalStack's
//! snapshot `test_sfn_api_map_run.snapshot.json`,
//! `test_map_state_label_*_fail`): `Error=ValueError Args=['<problem>'] in
//! definition '<definition as sent>'.`, the problem naming the first
//! forbidden character in the order the guide lists them.

use super::types::{Definition, StateKind};

/// Labels may hold at most this many characters.
const MAX_LABEL_CHARS: usize = 40;

/// The printable characters a label may not hold, in the order they are
/// looked for (the first one found is the one reported).
const FORBIDDEN: &str = " ?*<>{}[]:;,\\|^~$#%&`\"/";

/// Why a label is refused, in AWS's words; `None` for a good label.
pub fn label_problem(label: &str) -> Option<String> {
    if label.is_empty() {
        return Some("Label cannot be empty".to_owned());
    }
    if label.chars().count() > MAX_LABEL_CHARS {
        return Some(format!("Label cannot exceed {MAX_LABEL_CHARS} characters"));
    }
    let control = (0x00u32..0x20).chain(0x7f..0xa0).filter_map(char::from_u32);
    FORBIDDEN
        .chars()
        .chain(control)
        .find(|c| label.contains(*c))
        .map(|c| format!("Label contains invalid character: '{}'", escape_char(c)))
}

/// The first label problem of any Map state in `definition`, nested ones
/// included.
pub fn first_label_problem(definition: &Definition) -> Option<String> {
    definition
        .states
        .values()
        .find_map(|state| match &state.kind {
            StateKind::Map(map) => map
                .label
                .as_deref()
                .and_then(label_problem)
                .or_else(|| first_label_problem(&map.item_processor)),
            StateKind::Parallel { branches } => branches.iter().find_map(first_label_problem),
            _ => None,
        })
}

/// The `InvalidDefinition` message for a label `problem` in the definition
/// `text` (as the request sent it).
pub fn label_error_message(problem: &str, text: &str) -> String {
    format!(
        "Error=ValueError Args=[{}] in definition '{text}'.",
        quoted(problem)
    )
}

/// A control character spelled with escapes (`\t`, `\x00`), a backslash
/// doubled, any other character as it is.
fn escape_char(c: char) -> String {
    match c {
        '\\' => "\\\\".to_owned(),
        '\t' => "\\t".to_owned(),
        '\n' => "\\n".to_owned(),
        '\r' => "\\r".to_owned(),
        c if c.is_control() => format!("\\x{:02x}", u32::from(c)),
        c => c.to_string(),
    }
}

/// `text` quoted as the recorded messages quote the problem: in double
/// quotes when it holds a single quote and no double quote, else in single
/// quotes with single quotes escaped; backslashes doubled.
fn quoted(text: &str) -> String {
    let double = text.contains('\'') && !text.contains('"');
    let quote = if double { '"' } else { '\'' };
    let mut out = String::with_capacity(text.len() + 2);
    out.push(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_labels_pass() {
        assert_eq!(label_problem("label_ok-1.2"), None);
        assert_eq!(label_problem(&"a".repeat(40)), None);
    }

    #[test]
    fn problems_are_worded_as_recorded() {
        assert_eq!(label_problem("").as_deref(), Some("Label cannot be empty"));
        assert_eq!(
            label_problem(&"a".repeat(41)).as_deref(),
            Some("Label cannot exceed 40 characters")
        );
        assert_eq!(
            label_problem("label_\u{0}").as_deref(),
            Some("Label contains invalid character: '\\x00'")
        );
        assert_eq!(
            label_problem("label_\u{9f}").as_deref(),
            Some("Label contains invalid character: '\\x9f'")
        );
    }

    #[test]
    fn the_message_quotes_like_the_recorded_answer() {
        let space = label_problem("label_ ").expect("refused");
        assert_eq!(
            label_error_message(&space, "{}"),
            "Error=ValueError Args=[\"Label contains invalid character: ' '\"] in definition '{}'."
        );
        let quote = label_problem("label_\"").expect("refused");
        assert_eq!(
            label_error_message(&quote, "{}"),
            "Error=ValueError Args=['Label contains invalid character: \\'\"\\''] in definition '{}'."
        );
        let backslash = label_problem("label_\\").expect("refused");
        assert_eq!(
            label_error_message(&backslash, "{}"),
            "Error=ValueError Args=[\"Label contains invalid character: '\\\\\\\\'\"] in definition '{}'."
        );
        let empty = label_problem("").expect("refused");
        assert_eq!(
            label_error_message(&empty, "{}"),
            "Error=ValueError Args=['Label cannot be empty'] in definition '{}'."
        );
    }
}

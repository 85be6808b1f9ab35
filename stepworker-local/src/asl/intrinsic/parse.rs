//! Parser for intrinsic function calls.
//!
//! Grammar followed (AWS developer guide, "Intrinsic functions"):
//! `States.Name(arg, ...)` where an argument is a string literal in single
//! quotes, a number, `true`/`false`/`null`, a path (`$...` or `$$...`) or a
//! nested call. Inside string literals the characters `'`, `{`, `}` and `\`
//! are escaped with a backslash.

use std::fmt;

use serde_json::Value;

use super::ast::{Argument, FormatPiece, IntrinsicCall};
use super::function::Function;
use crate::asl::path::Path;

/// Why a string is not a valid intrinsic function call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IntrinsicParseError {
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for IntrinsicParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for IntrinsicParseError {}

/// AWS allows up to 10 intrinsic functions nested in one field, the
/// outermost call included (its nine-call example counts the outer
/// `States.Format`); the limit also keeps hostile input from exhausting the
/// stack.
const MAX_CALLS_DEEP: usize = 10;

/// True if `text` looks like an intrinsic call (`States.` prefix); used to
/// choose between path and intrinsic parsing.
pub fn looks_like_intrinsic(text: &str) -> bool {
    text.trim_start().starts_with("States.")
}

/// Parses a whole string as one intrinsic call.
pub fn parse_intrinsic(text: &str) -> Result<IntrinsicCall, IntrinsicParseError> {
    let mut parser = Parser { src: text, pos: 0 };
    parser.skip_whitespace();
    let call = parser.call(0)?;
    parser.skip_whitespace();
    if parser.pos != text.len() {
        return Err(parser.error("unexpected text after the closing ')'"));
    }
    Ok(call)
}

struct Parser<'a> {
    src: &'a str,
    pos: usize,
}

impl Parser<'_> {
    fn error(&self, what: &str) -> IntrinsicParseError {
        IntrinsicParseError {
            message: format!(
                "invalid intrinsic function call '{}' at offset {}: {what}",
                self.src, self.pos
            ),
        }
    }

    fn rest(&self) -> &str {
        &self.src[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn skip_whitespace(&mut self) {
        let trimmed = self.rest().trim_start();
        self.pos = self.src.len() - trimmed.len();
    }

    fn expect(&mut self, wanted: char) -> Result<(), IntrinsicParseError> {
        match self.bump() {
            Some(c) if c == wanted => Ok(()),
            _ => Err(self.error(&format!("expected '{wanted}'"))),
        }
    }

    fn call(&mut self, depth: usize) -> Result<IntrinsicCall, IntrinsicParseError> {
        // `depth` counts the calls around this one.
        if depth >= MAX_CALLS_DEEP {
            return Err(self.error("calls are nested too deeply"));
        }
        let name_len = self
            .rest()
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.'))
            .unwrap_or(self.rest().len());
        let name = &self.rest()[..name_len];
        let function = Function::from_name(name)
            .ok_or_else(|| self.error(&format!("unknown intrinsic function '{name}'")))?;
        self.pos += name_len;
        self.skip_whitespace();
        self.expect('(')?;
        let args = self.arguments(function, depth)?;
        let (min, max) = function.arity();
        if args.len() < min || max.is_some_and(|max| args.len() > max) {
            return Err(self.error(&format!(
                "{} takes {}, got {} argument(s)",
                function.name(),
                describe_arity(min, max),
                args.len()
            )));
        }
        if let Some(Argument::Template(pieces)) = args.first() {
            let placeholders = pieces
                .iter()
                .filter(|p| **p == FormatPiece::Placeholder)
                .count();
            if placeholders != args.len() - 1 {
                return Err(self.error(&format!(
                    "the template has {placeholders} placeholder(s) but {} value(s) follow it",
                    args.len() - 1
                )));
            }
        }
        Ok(IntrinsicCall { function, args })
    }

    fn arguments(
        &mut self,
        function: Function,
        depth: usize,
    ) -> Result<Vec<Argument>, IntrinsicParseError> {
        let mut args = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(')') {
            self.pos += 1;
            return Ok(args);
        }
        loop {
            self.skip_whitespace();
            let is_format_template = function == Function::Format && args.is_empty();
            args.push(self.argument(is_format_template, depth)?);
            self.skip_whitespace();
            match self.bump() {
                Some(',') => continue,
                Some(')') => return Ok(args),
                _ => return Err(self.error("expected ',' or ')'")),
            }
        }
    }

    fn argument(
        &mut self,
        is_format_template: bool,
        depth: usize,
    ) -> Result<Argument, IntrinsicParseError> {
        match self.peek() {
            Some('\'') if is_format_template => Ok(Argument::Template(self.format_template()?)),
            Some('\'') => Ok(Argument::Literal(Value::String(self.string_literal()?))),
            Some('$') => self.path(),
            Some(c) if c == '-' || c.is_ascii_digit() => self.number(),
            Some(_) if self.rest().starts_with("States.") => {
                Ok(Argument::Call(self.call(depth + 1)?))
            }
            Some(_) => self.keyword(),
            None => Err(self.error("missing argument")),
        }
    }

    /// Reads a quoted literal as (text, placeholder positions) so Format
    /// can tell `{}` from the escaped `\{\}`.
    fn quoted(&mut self) -> Result<Vec<FormatPiece>, IntrinsicParseError> {
        self.expect('\'')?;
        let mut pieces = Vec::new();
        let mut text = String::new();
        loop {
            match self.bump() {
                None => return Err(self.error("unterminated string literal")),
                Some('\'') => break,
                Some('\\') => match self.bump() {
                    Some(c @ ('\'' | '{' | '}' | '\\')) => text.push(c),
                    _ => return Err(self.error("only \\', \\{, \\} and \\\\ are valid escapes")),
                },
                Some('{') if self.peek() == Some('}') => {
                    self.pos += 1;
                    pieces.push(FormatPiece::Text(std::mem::take(&mut text)));
                    pieces.push(FormatPiece::Placeholder);
                }
                Some(c) => text.push(c),
            }
        }
        pieces.push(FormatPiece::Text(text));
        pieces.retain(|p| !matches!(p, FormatPiece::Text(t) if t.is_empty()));
        Ok(pieces)
    }

    fn format_template(&mut self) -> Result<Vec<FormatPiece>, IntrinsicParseError> {
        self.quoted()
    }

    fn string_literal(&mut self) -> Result<String, IntrinsicParseError> {
        let pieces = self.quoted()?;
        Ok(pieces
            .iter()
            .map(|p| match p {
                FormatPiece::Text(t) => t.as_str(),
                FormatPiece::Placeholder => "{}",
            })
            .collect())
    }

    fn number(&mut self) -> Result<Argument, IntrinsicParseError> {
        let len = self
            .rest()
            .find(|c: char| !(c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E')))
            .unwrap_or(self.rest().len());
        let text = &self.rest()[..len];
        let number: serde_json::Number = serde_json::from_str(text)
            .map_err(|_| self.error(&format!("'{text}' is not a number")))?;
        self.pos += len;
        Ok(Argument::Literal(Value::Number(number)))
    }

    fn keyword(&mut self) -> Result<Argument, IntrinsicParseError> {
        for (word, value) in [
            ("true", Value::Bool(true)),
            ("false", Value::Bool(false)),
            ("null", Value::Null),
        ] {
            if self.rest().starts_with(word) {
                self.pos += word.len();
                return Ok(Argument::Literal(value));
            }
        }
        Err(self.error("expected a string, number, path or intrinsic call"))
    }

    /// A path runs to the next ',' or ')' outside brackets and quotes
    /// (filters such as `[?(@.a, ...)]` may contain both).
    fn path(&mut self) -> Result<Argument, IntrinsicParseError> {
        let mut bracket_depth = 0usize;
        let mut quote: Option<char> = None;
        let mut end = self.rest().len();
        for (i, c) in self.rest().char_indices() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '\'' | '"') if bracket_depth > 0 => quote = Some(c),
                (None, '[') => bracket_depth += 1,
                (None, ']') => bracket_depth = bracket_depth.saturating_sub(1),
                (None, ',' | ')') if bracket_depth == 0 => {
                    end = i;
                    break;
                }
                _ => {}
            }
        }
        let text = self.rest()[..end].trim_end();
        let path = Path::parse(text).map_err(|e| self.error(&e.to_string()))?;
        self.pos += end;
        Ok(Argument::Path(path))
    }
}

fn describe_arity(min: usize, max: Option<usize>) -> String {
    match max {
        Some(max) if max == min => format!("exactly {min} argument(s)"),
        Some(max) => format!("{min} to {max} arguments"),
        None => format!("at least {min} argument(s)"),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn parses_literals_paths_and_nested_calls() {
        let call = parse_intrinsic(
            "States.Array('a\\'b', 42, -1.5, true, null, $.x[0], $$.Execution.Id, States.UUID())",
        )
        .expect("valid call");
        assert_eq!(call.function, Function::Array);
        assert_eq!(call.args.len(), 8);
        assert_eq!(call.args[0], Argument::Literal(json!("a'b")));
        assert_eq!(call.args[1], Argument::Literal(json!(42)));
        assert_eq!(call.args[2], Argument::Literal(json!(-1.5)));
        assert_eq!(call.args[3], Argument::Literal(json!(true)));
        assert_eq!(call.args[4], Argument::Literal(json!(null)));
        assert!(matches!(&call.args[5], Argument::Path(p) if p.as_str() == "$.x[0]"));
        assert!(matches!(&call.args[6], Argument::Path(p) if p.as_str() == "$$.Execution.Id"));
        assert!(matches!(&call.args[7], Argument::Call(c) if c.function == Function::Uuid));
    }

    #[test]
    fn format_templates_keep_placeholders_apart_from_escaped_braces() {
        let call =
            parse_intrinsic("States.Format('{} says \\{hi\\} to {}', $.a, $.b)").expect("valid");
        assert_eq!(
            call.args[0],
            Argument::Template(vec![
                FormatPiece::Placeholder,
                FormatPiece::Text(" says {hi} to ".into()),
                FormatPiece::Placeholder,
            ])
        );
    }

    #[test]
    fn paths_with_filters_keep_their_commas_and_parentheses() {
        let call =
            parse_intrinsic("States.ArrayLength($.items[?(@.tag == 'a,b)')])").expect("valid");
        assert!(
            matches!(&call.args[0], Argument::Path(p) if p.as_str() == "$.items[?(@.tag == 'a,b)')]")
        );
    }

    #[test]
    fn rejects_unknown_functions_bad_arity_and_garbage() {
        for bad in [
            "States.Nope()",
            "States.UUID(1)",
            "States.MathAdd(1)",
            "States.Format()",
            "States.Array(",
            "States.Array('x)",
            "States.Array(1) extra",
            "States.Array(foo)",
            "States.Array('\\n')",
            "Format('x')",
        ] {
            assert!(parse_intrinsic(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn deep_nesting_is_rejected_not_overflowed() {
        let deep = format!("{}1{}", "States.Array(".repeat(200), ")".repeat(200));
        assert!(parse_intrinsic(&deep).is_err());
    }
}

//! One parsed JSONata expression, kept with its text.

use std::fmt;
use std::sync::Arc;

use jsonata_core::ast::AstNode;

use super::detect::expression_body;
use super::references::{ContextReads, StatesReads};

/// A JSONata expression parsed at definition time, so running a state
/// never parses text.
#[derive(Clone)]
pub struct JsonataExpression {
    text: String,
    ast: Arc<AstNode>,
    variables: Vec<String>,
    reads: ContextReads,
}

/// Why an expression does not parse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonataSyntaxError {
    /// The parser's message.
    pub message: String,
}

impl fmt::Display for JsonataSyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl JsonataExpression {
    /// Parses a `{% ... %}` string; `Ok(None)` when `text` is a literal.
    pub fn parse_field(text: &str) -> Result<Option<Self>, JsonataSyntaxError> {
        match expression_body(text) {
            Some(body) => Self::parse(body).map(Some),
            None => Ok(None),
        }
    }

    /// Parses the body of an expression (without `{% %}`).
    pub fn parse(body: &str) -> Result<Self, JsonataSyntaxError> {
        if body.is_empty() {
            return Err(JsonataSyntaxError {
                message: "the expression is empty".to_owned(),
            });
        }
        // The parser recurses on nesting; a definition is at most 1 MB, but
        // a deliberately deep expression must not overflow the stack.
        if nesting_depth(body) > MAX_NESTING {
            return Err(JsonataSyntaxError {
                message: format!("the expression nests deeper than {MAX_NESTING} levels"),
            });
        }
        // A panic in the parser must refuse this definition, not drop the
        // request that carried it.
        let parsed =
            std::panic::catch_unwind(|| jsonata_core::parser::parse(body)).map_err(|_| {
                JsonataSyntaxError {
                    message: "the expression could not be parsed".to_owned(),
                }
            })?;
        let ast = parsed.map_err(|e| JsonataSyntaxError {
            message: aws_parse_message(&e.to_string()),
        })?;
        Ok(Self {
            text: body.to_owned(),
            reads: ContextReads::of(&ast),
            ast: Arc::new(ast),
            variables: referenced_variables(body),
        })
    }

    /// The expression as written, without `{% %}`.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The distinct bare names (or `$`) the expression reads from the
    /// top-level context, which Step Functions does not provide, in the
    /// order written.
    pub fn top_level_references(&self) -> &[String] {
        &self.reads.top_level_names
    }

    /// True when the expression reads `$states.errorOutput`, which exists
    /// only in a Catch's `Output` and `Assign`.
    pub fn reads_error_output(&self) -> bool {
        self.reads.error_output
    }

    pub(super) fn ast(&self) -> &AstNode {
        &self.ast
    }

    /// The members of `$states` the expression reads.
    pub(super) fn states_reads(&self) -> StatesReads {
        self.reads.states
    }

    /// Names the expression may read as `$name` (a superset: a name bound
    /// inside the expression with `:=` is listed too).
    pub(super) fn variables(&self) -> &[String] {
        &self.variables
    }
}

impl fmt::Debug for JsonataExpression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "JsonataExpression({:?})", self.text)
    }
}

impl PartialEq for JsonataExpression {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

/// The parser's message worded as AWS reports it: without the JSONata
/// error code (`S0207: `) and with tokens written as the symbols jsonata-js
/// prints (`Expected "]", got ","` rather than `Expected RightBracket, got
/// Comma`).
fn aws_parse_message(message: &str) -> String {
    let message = message.strip_prefix("Invalid syntax: ").unwrap_or(message);
    let message = strip_error_code(message);
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some((before, token, after)) = next_token_name(rest) {
        out.push_str(before);
        match token_symbol(token) {
            Some(symbol) => {
                out.push('"');
                out.push_str(symbol);
                out.push('"');
            }
            None => out.push_str(token),
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// `S0207: text` gives `text`; a message with no code is kept.
fn strip_error_code(message: &str) -> &str {
    let bytes = message.as_bytes();
    let coded = bytes.len() > 7
        && bytes[0].is_ascii_uppercase()
        && bytes[1..5].iter().all(u8::is_ascii_digit)
        && &bytes[5..7] == b": ";
    if coded {
        &message[7..]
    } else {
        message
    }
}

/// Words that name a token in the parser's messages follow one of these.
const TOKEN_MARKERS: [&str; 3] = ["Expected ", "got ", "The symbol "];

/// The text up to the next word that follows a token marker, that word,
/// and the text after it.
fn next_token_name(text: &str) -> Option<(&str, &str, &str)> {
    let (at, marker) = TOKEN_MARKERS
        .iter()
        .filter_map(|m| text.find(m).map(|i| (i, *m)))
        .min_by_key(|(i, _)| *i)?;
    let start = at + marker.len();
    let end = text[start..]
        .find(|c: char| !c.is_ascii_alphanumeric())
        .map_or(text.len(), |n| start + n);
    Some((&text[..start], &text[start..end], &text[end..]))
}

/// The symbol of a jsonata-core token name.
fn token_symbol(name: &str) -> Option<&'static str> {
    Some(match name {
        "LeftParen" => "(",
        "RightParen" => ")",
        "LeftBracket" => "[",
        "RightBracket" => "]",
        "LeftBrace" => "{",
        "RightBrace" => "}",
        "Comma" => ",",
        "Semicolon" => ";",
        "Colon" => ":",
        "ColonEqual" => ":=",
        "Dot" => ".",
        "DotDot" => "..",
        "Question" => "?",
        "QuestionQuestion" => "??",
        "QuestionColon" => "?:",
        "Plus" => "+",
        "Minus" => "-",
        "Star" => "*",
        "StarStar" => "**",
        "Slash" => "/",
        "Percent" => "%",
        "Equal" => "=",
        "NotEqual" => "!=",
        "LessThan" => "<",
        "LessThanOrEqual" => "<=",
        "GreaterThan" => ">",
        "GreaterThanOrEqual" => ">=",
        "Ampersand" => "&",
        "TildeArrow" => "~>",
        "Caret" => "^",
        "Pipe" => "|",
        "Hash" => "#",
        "At" => "@",
        _ => return None,
    })
}

/// Deepest bracket nesting accepted.
const MAX_NESTING: usize = 200;

fn nesting_depth(text: &str) -> usize {
    let mut depth = 0usize;
    let mut deepest = 0usize;
    for c in text.chars() {
        match c {
            '(' | '[' | '{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// Every `$name` outside string literals, once each.
fn referenced_variables(text: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut quote: Option<char> = None;
    while let Some((i, c)) = chars.next() {
        if let Some(q) = quote {
            if c == '\\' {
                chars.next();
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' => quote = Some(c),
            '$' => {
                let start = i + 1;
                let mut end = start;
                while let Some((j, n)) = chars.peek().copied() {
                    if n.is_alphanumeric() || n == '_' {
                        end = j + n.len_utf8();
                        chars.next();
                    } else {
                        break;
                    }
                }
                let name = &text[start..end];
                if !name.is_empty() && !names.iter().any(|n| n == name) {
                    names.push(name.to_owned());
                }
            }
            _ => {}
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_fields_and_lists_variables() {
        let expr = JsonataExpression::parse_field("{% $x + $states.input.a & '$notVar' %}")
            .expect("parses")
            .expect("is an expression");
        assert_eq!(expr.text(), "$x + $states.input.a & '$notVar'");
        assert_eq!(expr.variables(), ["x", "states"]);
        assert_eq!(JsonataExpression::parse_field("plain"), Ok(None));
        assert!(JsonataExpression::parse_field("{% 1 + %}").is_err());
        assert!(JsonataExpression::parse_field("{%  %}").is_err());
    }

    fn parse_error(body: &str) -> String {
        match JsonataExpression::parse(body) {
            Err(e) => e.message,
            Ok(_) => panic!("{body} parsed"),
        }
    }

    #[test]
    fn parse_errors_read_as_aws_words_them() {
        assert_eq!(parse_error("1 +"), "Unexpected end of expression");
        assert_eq!(parse_error("$x :="), "Unexpected end of expression");
        assert_eq!(parse_error("a[1,2)"), "Expected \"]\", got \",\"");
        assert_eq!(
            parse_error("\"unterminated"),
            "String literal must be terminated by a matching quote"
        );
        assert_eq!(
            parse_error("{\"a\":}"),
            "The symbol \"}\" cannot be used as a unary operator"
        );
        assert_eq!(
            parse_error("($x := 1"),
            "Expected \")\" before end of expression"
        );
    }
}

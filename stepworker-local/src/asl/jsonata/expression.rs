//! One parsed JSONata expression, kept with its text.

use std::fmt;
use std::sync::Arc;

use jsonata_core::ast::AstNode;

use super::detect::expression_body;

/// A JSONata expression parsed at definition time, so running a state
/// never parses text.
#[derive(Clone)]
pub struct JsonataExpression {
    text: String,
    ast: Arc<AstNode>,
    variables: Vec<String>,
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
        let ast = jsonata_core::parser::parse(body).map_err(|e| JsonataSyntaxError {
            message: e.to_string(),
        })?;
        Ok(Self {
            text: body.to_owned(),
            ast: Arc::new(ast),
            variables: referenced_variables(body),
        })
    }

    /// The expression as written, without `{% %}`.
    pub fn text(&self) -> &str {
        &self.text
    }

    pub(super) fn ast(&self) -> &AstNode {
        &self.ast
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
}

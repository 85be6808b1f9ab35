//! Short, readable renderings of Choice conditions for edge labels:
//! `$.total >= 100`, `$.kind == "gift" && $.note is present`.

use crate::asl::definition::{Comparison, Condition, Operand, Relation, Test, TypeTest, ValueKind};
use crate::time_format::rfc3339_millis;

/// Renders `condition` as an expression a reader knows at a glance.
pub fn describe(condition: &Condition) -> String {
    render(condition, false)
}

fn render(condition: &Condition, nested: bool) -> String {
    match condition {
        Condition::And(parts) => join(parts, " && ", nested),
        Condition::Or(parts) => join(parts, " || ", nested),
        Condition::Not(inner) => format!("!({})", render(inner, false)),
        Condition::Jsonata(expression) => expression.text().to_owned(),
        Condition::Test { variable, test } => {
            let variable = variable.as_str();
            match test {
                Test::Compare { op, operand } => {
                    format!(
                        "{variable} {} {}",
                        relation(*op),
                        operand_text(*op, operand)
                    )
                }
                Test::StringMatches(pattern) => {
                    format!("{variable} matches {}", quoted(&pattern.source))
                }
                Test::Is(kind, expected) => {
                    let not = if *expected { "" } else { "not " };
                    format!("{variable} is {not}{}", type_test(*kind))
                }
            }
        }
    }
}

/// Joins sub-conditions; parentheses only where precedence needs them.
fn join(parts: &[Condition], separator: &str, nested: bool) -> String {
    let inner = parts
        .iter()
        .map(|p| render(p, true))
        .collect::<Vec<_>>()
        .join(separator);
    if nested && parts.len() > 1 {
        format!("({inner})")
    } else {
        inner
    }
}

fn relation(op: Comparison) -> &'static str {
    match op.relation {
        Relation::Equals => "==",
        Relation::LessThan => "<",
        Relation::GreaterThan => ">",
        Relation::LessThanEquals => "<=",
        Relation::GreaterThanEquals => ">=",
    }
}

fn operand_text(op: Comparison, operand: &Operand) -> String {
    match operand {
        Operand::String(s) if op.kind == ValueKind::Timestamp => s.clone(),
        Operand::String(s) => quoted(s),
        Operand::Number(n) => number(*n),
        Operand::Boolean(b) => b.to_string(),
        Operand::Timestamp(nanos) => {
            let millis = nanos.div_euclid(1_000_000);
            i64::try_from(millis)
                .map(rfc3339_millis)
                .unwrap_or_else(|_| nanos.to_string())
        }
        Operand::Path(path) => path.as_str().to_owned(),
    }
}

/// Whole numbers without a trailing `.0`, as the definition wrote them.
fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

fn quoted(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

fn type_test(kind: TypeTest) -> &'static str {
    match kind {
        TypeTest::Present => "present",
        TypeTest::Null => "null",
        TypeTest::Numeric => "numeric",
        TypeTest::String => "string",
        TypeTest::Boolean => "boolean",
        TypeTest::Timestamp => "timestamp",
    }
}

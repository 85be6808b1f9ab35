//! Parsing Choice rules.

use serde_json::Value;

use super::choice_rule::{
    ChoiceRule, Comparison, Condition, Operand, PatternPiece, Relation, Test, TypeTest, ValueKind,
    WildcardPattern,
};
use super::context::ParseContext;
use super::jsonata_checks::{check_parsed, invalid_expression, ErrorOutput};
use super::language_fields;
use super::location;
use super::reader::{schema, Obj, Read};
use super::types::QueryLanguage;
use crate::asl::jsonata::{is_expression, JsonataExpression};
use crate::asl::path::Path;
use crate::asl::timestamp::parse_timestamp_nanos;

/// Parses `Choices`; `None` if any rule is unusable (reasons in `cx`).
pub(super) fn parse_choices(
    state: &Obj<'_>,
    language: QueryLanguage,
    cx: &mut ParseContext,
) -> Option<Vec<ChoiceRule>> {
    let items = match state.required("Choices") {
        Ok(Value::Array(items)) if !items.is_empty() => items,
        Ok(_) => {
            cx.report(state.wrong_type("Choices", "a non-empty array"));
            return None;
        }
        Err(d) => {
            cx.report(d);
            return None;
        }
    };
    let mut rules = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let location = location::element(&state.at("Choices"), i);
        let before = cx.diagnostics.len();
        match top_level_rule(item, location, language, cx) {
            Ok(rule) if cx.diagnostics.len() == before => rules.push(rule),
            Ok(_) => {}
            Err(d) => cx.report(d),
        }
    }
    (rules.len() == items.len()).then_some(rules)
}

fn top_level_rule(
    value: &Value,
    location: String,
    language: QueryLanguage,
    cx: &mut ParseContext,
) -> Read<ChoiceRule> {
    let obj = Obj::new(value, location, "A Choice rule")?;
    let next = obj.required_str("Next")?.to_owned();
    let assign = language_fields::assign(&obj, language, ErrorOutput::Unavailable, cx);
    let (condition, output) = match language {
        QueryLanguage::Jsonata => {
            for d in obj.check_fields(&["Condition", "Next", "Output", "Assign", "Comment"]) {
                cx.report(d);
            }
            let output =
                language_fields::jsonata_template(&obj, "Output", ErrorOutput::Unavailable, cx);
            (jsonata_condition(&obj, cx)?, output)
        }
        QueryLanguage::JsonPath => {
            for key in ["Condition", "Output"] {
                if obj.has(key) {
                    return Err(language_fields::jsonata_only(key, obj.here()));
                }
            }
            (condition(&obj, 0)?, None)
        }
    };
    Ok(ChoiceRule {
        condition,
        next,
        output,
        assign,
    })
}

/// A JSONata rule's `Condition`: a `{% %}` expression (its value must be a
/// boolean at run time), or a JSON boolean, which AWS takes as a constant
/// condition (recorded: LocalStack's `test_base_scenarios.snapshot.json`,
/// `test_choice_condition_constant_jsonata`).
fn jsonata_condition(obj: &Obj<'_>, cx: &mut ParseContext) -> Read<Condition> {
    if let Some(constant) = obj.get("Condition").and_then(Value::as_bool) {
        let text = if constant { "true" } else { "false" };
        return JsonataExpression::parse(text)
            .map(Condition::Jsonata)
            .map_err(|e| invalid_expression(e, obj.at("Condition")));
    }
    let text = obj.required_str("Condition")?;
    if !is_expression(text) {
        return Err(schema(
            "The value for the field 'Condition' must be a JSONata expression \"{% ... %}\"",
            obj.at("Condition"),
        ));
    }
    let location = obj.at("Condition");
    match JsonataExpression::parse_field(text) {
        Ok(Some(expression)) => {
            check_parsed(&expression, &location, ErrorOutput::Unavailable, cx);
            Ok(Condition::Jsonata(expression))
        }
        Ok(None) => Err(schema("The field 'Condition' is empty", location)),
        Err(e) => Err(invalid_expression(e, location)),
    }
}

fn nested_rule(value: &Value, location: String, depth: usize) -> Read<Condition> {
    let obj = Obj::new(value, location, "A nested Choice rule")?;
    if obj.has("Next") {
        return Err(schema(
            "Nested Choice rules must not have a 'Next' field",
            obj.at("Next"),
        ));
    }
    condition(&obj, depth)
}

/// serde_json already bounds nesting at 128 levels; this is a second,
/// explicit guard for the recursion below.
const MAX_RULE_DEPTH: usize = 100;

fn condition(obj: &Obj<'_>, depth: usize) -> Read<Condition> {
    if depth > MAX_RULE_DEPTH {
        return Err(schema("Choice rules are nested too deeply", obj.here()));
    }
    let operators: Vec<&String> = obj
        .map
        .keys()
        .filter(|k| !matches!(k.as_str(), "Variable" | "Next" | "Comment" | "Assign"))
        .collect();
    let [operator] = operators.as_slice() else {
        return Err(schema(
            "A Choice rule must have exactly one of And, Or, Not or a comparison operator",
            obj.here(),
        ));
    };
    let operator = operator.as_str();
    match operator {
        "And" | "Or" => {
            if obj.has("Variable") {
                return Err(schema(
                    "'Variable' is not allowed with And/Or",
                    obj.at("Variable"),
                ));
            }
            let items = match obj.get(operator) {
                Some(Value::Array(items)) if !items.is_empty() => items,
                _ => return Err(obj.wrong_type(operator, "a non-empty array of Choice rules")),
            };
            let inner = items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    nested_rule(item, location::element(&obj.at(operator), i), depth + 1)
                })
                .collect::<Read<Vec<_>>>()?;
            Ok(if operator == "And" {
                Condition::And(inner)
            } else {
                Condition::Or(inner)
            })
        }
        "Not" => {
            if obj.has("Variable") {
                return Err(schema(
                    "'Variable' is not allowed with Not",
                    obj.at("Variable"),
                ));
            }
            let inner = obj.get("Not").unwrap_or(&Value::Null);
            Ok(Condition::Not(Box::new(nested_rule(
                inner,
                obj.at("Not"),
                depth + 1,
            )?)))
        }
        _ => {
            let variable = obj
                .opt_path("Variable")?
                .ok_or_else(|| schema("These fields are required: [Variable]", obj.here()))?;
            let test = test(obj, operator)?;
            Ok(Condition::Test { variable, test })
        }
    }
}

fn test(obj: &Obj<'_>, operator: &str) -> Read<Test> {
    let value = obj.get(operator).unwrap_or(&Value::Null);
    let bad = |wanted: &str| obj.wrong_type(operator, wanted);
    if let Some(type_test) = type_test(operator) {
        return value
            .as_bool()
            .map(|expected| Test::Is(type_test, expected))
            .ok_or_else(|| bad("a boolean"));
    }
    if operator == "StringMatches" {
        let pattern = value.as_str().ok_or_else(|| bad("a string"))?;
        return Ok(Test::StringMatches(compile_pattern(pattern)));
    }
    if operator == "StringMatchesPath" {
        return Err(schema(
            "The field 'StringMatchesPath' is not supported by Step Functions",
            obj.at(operator),
        ));
    }
    let (base, is_path) = match operator.strip_suffix("Path") {
        Some(base) => (base, true),
        None => (operator, false),
    };
    let op = comparison(base).ok_or_else(|| {
        schema(
            format!("The field '{operator}' is not supported by Step Functions"),
            obj.at(operator),
        )
    })?;
    let operand = if is_path {
        let text = value.as_str().ok_or_else(|| bad("a JSONPath string"))?;
        Operand::Path(
            Path::parse(text).map_err(|e| bad(&format!("a valid JSONPath ({})", e.reason)))?,
        )
    } else {
        literal_operand(op.kind, value).ok_or_else(|| {
            bad(match op.kind {
                ValueKind::String => "a string",
                ValueKind::Numeric => "a number",
                ValueKind::Boolean => "a boolean",
                ValueKind::Timestamp => "a valid RFC3339 timestamp string",
            })
        })?
    };
    Ok(Test::Compare { op, operand })
}

fn literal_operand(kind: ValueKind, value: &Value) -> Option<Operand> {
    match kind {
        ValueKind::String => value.as_str().map(|s| Operand::String(s.to_owned())),
        ValueKind::Numeric => value.as_f64().map(Operand::Number),
        ValueKind::Boolean => value.as_bool().map(Operand::Boolean),
        ValueKind::Timestamp => value
            .as_str()
            .and_then(parse_timestamp_nanos)
            .map(Operand::Timestamp),
    }
}

fn type_test(operator: &str) -> Option<TypeTest> {
    Some(match operator {
        "IsPresent" => TypeTest::Present,
        "IsNull" => TypeTest::Null,
        "IsNumeric" => TypeTest::Numeric,
        "IsString" => TypeTest::String,
        "IsBoolean" => TypeTest::Boolean,
        "IsTimestamp" => TypeTest::Timestamp,
        _ => return None,
    })
}

fn comparison(name: &str) -> Option<Comparison> {
    let (kind, rest) = [
        ("String", ValueKind::String),
        ("Numeric", ValueKind::Numeric),
        ("Boolean", ValueKind::Boolean),
        ("Timestamp", ValueKind::Timestamp),
    ]
    .into_iter()
    .find_map(|(prefix, kind)| name.strip_prefix(prefix).map(|rest| (kind, rest)))?;
    let relation = match rest {
        "Equals" => Relation::Equals,
        "LessThan" => Relation::LessThan,
        "GreaterThan" => Relation::GreaterThan,
        "LessThanEquals" => Relation::LessThanEquals,
        "GreaterThanEquals" => Relation::GreaterThanEquals,
        _ => return None,
    };
    // Booleans only have BooleanEquals.
    if kind == ValueKind::Boolean && relation != Relation::Equals {
        return None;
    }
    Some(Comparison { kind, relation })
}

/// Compiles a `StringMatches` pattern: `*` is a wildcard, `\*` a literal
/// star, `\\` a literal backslash; any other backslash stays literal.
pub(super) fn compile_pattern(pattern: &str) -> WildcardPattern {
    let mut pieces = Vec::new();
    let mut literal = String::new();
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if matches!(chars.peek(), Some('*') | Some('\\')) => {
                if let Some(escaped) = chars.next() {
                    literal.push(escaped);
                }
            }
            '*' => {
                if !literal.is_empty() {
                    pieces.push(PatternPiece::Literal(std::mem::take(&mut literal)));
                }
                if pieces.last() != Some(&PatternPiece::AnyRun) {
                    pieces.push(PatternPiece::AnyRun);
                }
            }
            other => literal.push(other),
        }
    }
    if !literal.is_empty() {
        pieces.push(PatternPiece::Literal(literal));
    }
    WildcardPattern {
        source: pattern.to_owned(),
        pieces,
    }
}

//! The WARNING diagnostics of ValidateStateMachineDefinition: likely
//! mistakes that still leave a definition deployable.
//!
//! The API reference ("ValidateStateMachineDefinitionDiagnostic") lists
//! three warning codes:
//! - NO_DOLLAR: a payload field (`Parameters`, `ItemSelector`,
//!   `ResultSelector`, `Assign`) whose value looks like a path or intrinsic
//!   call but whose key lacks `.$`, so the text is passed on literally;
//! - NO_PATH: a static field whose value looks like a path where a
//!   `...Path` variant exists (Fail `Error`/`Cause`, Choice `String*` and
//!   `Timestamp*` comparisons);
//! - PASS_RESULT_IS_STATIC: a `.$` key inside a Pass state's `Result`,
//!   which is never evaluated.
//!
//! Only JSONPath states are checked: JSONata states have none of these
//! fields. The walk reads the raw JSON and skips whatever has the wrong
//! shape, because shape problems are the ERROR checks' business.

use serde_json::{Map, Value};

use super::error::{Diagnostic, DiagnosticCode};
use super::types::QueryLanguage;

/// Fields of a JSONPath state whose objects are payload templates.
const TEMPLATE_FIELDS: &[&str] = &["Parameters", "ItemSelector", "ResultSelector", "Assign"];

/// Choice comparison operators with a `...Path` variant whose literal
/// operand is a string (numeric and boolean literals cannot look like a
/// path).
const STRING_COMPARISONS: &[&str] = &[
    "StringEquals",
    "StringLessThan",
    "StringGreaterThan",
    "StringLessThanEquals",
    "StringGreaterThanEquals",
    "TimestampEquals",
    "TimestampLessThan",
    "TimestampGreaterThan",
    "TimestampLessThanEquals",
    "TimestampGreaterThanEquals",
];

/// Bounds the walk through nested rules and templates, so a hostile
/// definition cannot exhaust the stack.
const MAX_DEPTH: usize = 64;

/// The warnings of a definition text, in document order; none if the text
/// is not JSON.
pub fn definition_warnings(text: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if let Ok(value) = serde_json::from_str::<Value>(text) {
        machine(&value, "", QueryLanguage::JsonPath, 0, &mut out);
    }
    out
}

fn machine(
    value: &Value,
    location: &str,
    inherited: QueryLanguage,
    depth: usize,
    out: &mut Vec<Diagnostic>,
) {
    let Some(obj) = value.as_object().filter(|_| depth < MAX_DEPTH) else {
        return;
    };
    let language = language_of(obj, inherited);
    let Some(states) = obj.get("States").and_then(Value::as_object) else {
        return;
    };
    for (name, body) in states {
        if let Some(state_obj) = body.as_object() {
            state(
                state_obj,
                &format!("{location}/States/{name}"),
                language,
                depth,
                out,
            );
        }
    }
}

fn state(
    obj: &Map<String, Value>,
    location: &str,
    inherited: QueryLanguage,
    depth: usize,
    out: &mut Vec<Diagnostic>,
) {
    let language = language_of(obj, inherited);
    if language == QueryLanguage::JsonPath {
        for field in TEMPLATE_FIELDS {
            if let Some(template) = obj.get(*field) {
                no_dollar(template, &format!("{location}/{field}"), 0, out);
            }
        }
        for (i, catcher) in array(obj.get("Catch")).iter().enumerate() {
            if let Some(assign) = catcher.get("Assign") {
                no_dollar(assign, &format!("{location}/Catch[{i}]/Assign"), 0, out);
            }
        }
        match obj.get("Type").and_then(Value::as_str) {
            Some("Pass") => {
                if let Some(result) = obj.get("Result") {
                    static_result(result, &format!("{location}/Result"), 0, out);
                }
            }
            Some("Fail") => {
                for field in ["Error", "Cause"] {
                    no_path(obj, field, location, out);
                }
            }
            Some("Choice") => {
                for (i, rule) in array(obj.get("Choices")).iter().enumerate() {
                    let at = format!("{location}/Choices[{i}]");
                    if let Some(assign) = rule.get("Assign") {
                        no_dollar(assign, &format!("{at}/Assign"), 0, out);
                    }
                    choice_rule(rule, &at, 0, out);
                }
            }
            _ => {}
        }
    }
    for (i, branch) in array(obj.get("Branches")).iter().enumerate() {
        machine(
            branch,
            &format!("{location}/Branches[{i}]"),
            language,
            depth + 1,
            out,
        );
    }
    for processor in ["ItemProcessor", "Iterator"] {
        if let Some(value) = obj.get(processor) {
            machine(
                value,
                &format!("{location}/{processor}"),
                language,
                depth + 1,
                out,
            );
        }
    }
}

/// NO_DOLLAR for every key without `.$` under `value` whose string value
/// looks dynamic. Strings directly in arrays have no key to fix, so only
/// objects inside arrays are searched.
fn no_dollar(value: &Value, location: &str, depth: usize, out: &mut Vec<Diagnostic>) {
    if depth >= MAX_DEPTH {
        return;
    }
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                if key.ends_with(".$") {
                    continue;
                }
                let at = format!("{location}/{key}");
                match child.as_str() {
                    Some(text) if looks_like_path(text) || looks_like_intrinsic(text) => {
                        out.push(Diagnostic::warning(
                            DiagnosticCode::NoDollar,
                            format!(
                                "The value of field '{key}' looks like a JSONPath or an intrinsic \
                                 function, but the field name does not end with '.$', so it is \
                                 used as a literal string"
                            ),
                            at,
                        ));
                    }
                    _ => no_dollar(child, &at, depth + 1, out),
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                no_dollar(item, &format!("{location}[{i}]"), depth + 1, out);
            }
        }
        _ => {}
    }
}

/// PASS_RESULT_IS_STATIC for every `.$` key inside a Pass `Result`.
fn static_result(value: &Value, location: &str, depth: usize, out: &mut Vec<Diagnostic>) {
    if depth >= MAX_DEPTH {
        return;
    }
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let at = format!("{location}/{key}");
                if key.ends_with(".$") {
                    out.push(Diagnostic::warning(
                        DiagnosticCode::PassResultIsStatic,
                        format!(
                            "The field '{key}' ends with '.$', but a Pass state's Result is \
                             static and is never evaluated; use Parameters to select data"
                        ),
                        at.clone(),
                    ));
                }
                static_result(child, &at, depth + 1, out);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                static_result(item, &format!("{location}[{i}]"), depth + 1, out);
            }
        }
        _ => {}
    }
}

/// NO_PATH on the string comparisons of a Choice rule and its nested
/// `And`/`Or`/`Not` rules.
fn choice_rule(rule: &Value, location: &str, depth: usize, out: &mut Vec<Diagnostic>) {
    let Some(obj) = rule.as_object().filter(|_| depth < MAX_DEPTH) else {
        return;
    };
    for operator in STRING_COMPARISONS {
        no_path(obj, operator, location, out);
    }
    for combinator in ["And", "Or"] {
        for (i, nested) in array(obj.get(combinator)).iter().enumerate() {
            choice_rule(
                nested,
                &format!("{location}/{combinator}[{i}]"),
                depth + 1,
                out,
            );
        }
    }
    if let Some(nested) = obj.get("Not") {
        choice_rule(nested, &format!("{location}/Not"), depth + 1, out);
    }
}

/// NO_PATH if `obj[field]` is a string that looks like a path.
fn no_path(obj: &Map<String, Value>, field: &str, location: &str, out: &mut Vec<Diagnostic>) {
    if let Some(text) = obj.get(field).and_then(Value::as_str) {
        if looks_like_path(text) {
            out.push(Diagnostic::warning(
                DiagnosticCode::NoPath,
                format!(
                    "The value of field '{field}' looks like a JSONPath, but the field name does \
                     not end with 'Path', so it is used as a literal; use '{field}Path' to read it \
                     from the input"
                ),
                format!("{location}/{field}"),
            ));
        }
    }
}

/// `$`, `$.x`, `$[0]`, `$$.Execution.Id` or a variable reference `$name`.
fn looks_like_path(text: &str) -> bool {
    let Some(rest) = text.strip_prefix('$') else {
        return false;
    };
    match rest.chars().next() {
        None => true,
        Some(c) => matches!(c, '.' | '[' | '$') || c.is_alphabetic() || c == '_',
    }
}

/// `States.Name(...)`.
fn looks_like_intrinsic(text: &str) -> bool {
    text.strip_prefix("States.")
        .and_then(|rest| rest.split_once('('))
        .is_some_and(|(name, _)| {
            !name.is_empty() && name.chars().all(char::is_alphanumeric) && text.ends_with(')')
        })
}

/// The effective query language of a definition or state object.
fn language_of(obj: &Map<String, Value>, inherited: QueryLanguage) -> QueryLanguage {
    match obj.get("QueryLanguage").and_then(Value::as_str) {
        Some("JSONata") => QueryLanguage::Jsonata,
        Some("JSONPath") => QueryLanguage::JsonPath,
        _ => inherited,
    }
}

fn array(value: Option<&Value>) -> &[Value] {
    value.and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(definition: Value) -> Vec<(DiagnosticCode, String)> {
        definition_warnings(&definition.to_string())
            .into_iter()
            .map(|d| (d.code, d.location.unwrap_or_default()))
            .collect()
    }

    fn one_state(state: Value) -> Value {
        serde_json::json!({ "StartAt": "A", "States": { "A": state } })
    }

    #[test]
    fn path_and_intrinsic_values_without_dollar_keys_warn() {
        let warnings = found(one_state(serde_json::json!({
            "Type": "Pass", "End": true,
            "Parameters": {
                "plain": "$.a",
                "call": "States.Format('{}', $.a)",
                "ok.$": "$.a",
                "text": "cost: $5",
                "nested": [{ "context": "$$.Execution.Id" }]
            }
        })));
        assert_eq!(
            warnings,
            vec![
                (
                    DiagnosticCode::NoDollar,
                    "/States/A/Parameters/plain".into()
                ),
                (DiagnosticCode::NoDollar, "/States/A/Parameters/call".into()),
                (
                    DiagnosticCode::NoDollar,
                    "/States/A/Parameters/nested[0]/context".into()
                ),
            ]
        );
    }

    #[test]
    fn dollar_keys_in_pass_results_warn() {
        let warnings = found(one_state(serde_json::json!({
            "Type": "Pass", "End": true, "Result": { "a": { "b.$": "$.x" } }
        })));
        assert_eq!(
            warnings,
            vec![(
                DiagnosticCode::PassResultIsStatic,
                "/States/A/Result/a/b.$".into()
            )]
        );
    }

    #[test]
    fn path_looking_literals_warn_where_a_path_field_exists() {
        let warnings = found(serde_json::json!({
            "StartAt": "C",
            "States": {
                "C": { "Type": "Choice", "Default": "F", "Choices": [
                    { "Not": { "Variable": "$.s", "StringEquals": "$.t" }, "Next": "F" }
                ] },
                "F": { "Type": "Fail", "Error": "Oops", "Cause": "$.why" }
            }
        }));
        assert_eq!(
            warnings,
            vec![
                (
                    DiagnosticCode::NoPath,
                    "/States/C/Choices[0]/Not/StringEquals".into()
                ),
                (DiagnosticCode::NoPath, "/States/F/Cause".into()),
            ]
        );
    }

    #[test]
    fn nested_and_jsonata_states_follow_their_query_language() {
        let warnings = found(serde_json::json!({
            "StartAt": "P",
            "States": { "P": { "Type": "Parallel", "End": true, "Branches": [
                { "StartAt": "J", "States": { "J": {
                    "Type": "Pass", "QueryLanguage": "JSONata", "End": true,
                    "Output": { "x": "$.a" } } } },
                { "StartAt": "B", "States": { "B": {
                    "Type": "Pass", "End": true, "Parameters": { "x": "$.a" } } } }
            ] } }
        }));
        assert_eq!(
            warnings,
            vec![(
                DiagnosticCode::NoDollar,
                "/States/P/Branches[1]/States/B/Parameters/x".into()
            )]
        );
    }

    #[test]
    fn text_that_is_not_json_has_no_warnings() {
        assert!(definition_warnings("{not json").is_empty());
    }
}

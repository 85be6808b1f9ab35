//! The fields that differ between JSONPath and JSONata states: which ones
//! a state of each language may have, and the JSONata values.

use serde_json::Value;

use super::context::ParseContext;
use super::fields;
use super::jsonata_checks::{check_field, ErrorOutput};
use super::location;
use super::reader::{schema, Obj};
use super::types::{MapJsonata, QueryLanguage};
use crate::asl::jsonata::{is_expression, JsonataExpression, JsonataTemplate};
use crate::asl::variables::Assign;

/// Reports fields the state's query language does not allow.
///
/// AWS rejects the JSONPath fields in a JSONata state (and the reverse)
/// with `SCHEMA_VALIDATION_FAILED`. A JSONata-only field in a JSONPath state
/// is reported at the state, in AWS's words; a JSONPath-only field in a
/// JSONata state at the field.
pub(super) fn check_language_fields(
    obj: &Obj<'_>,
    state: &str,
    language: QueryLanguage,
    cx: &mut ParseContext,
) {
    match language {
        QueryLanguage::JsonPath => {
            for key in obj.map.keys() {
                if fields::JSONATA_ONLY.contains(&key.as_str()) {
                    cx.report(jsonata_only(key, obj.here()));
                }
            }
        }
        QueryLanguage::Jsonata => {
            for key in obj.map.keys() {
                if fields::JSONPATH_ONLY.contains(&key.as_str()) {
                    cx.report(schema(
                        format!(
                            "The field '{key}' of the state '{state}' is not supported when the QueryLanguage is JSONata"
                        ),
                        obj.at(key),
                    ));
                }
            }
        }
    }
    if language == QueryLanguage::Jsonata {
        for key in ["Arguments", "Output", "Assign", "ItemSelector"] {
            if let Some(value) = obj.get(key) {
                check_no_dollar_keys(value, &obj.at(key), state, cx);
            }
        }
    }
}

/// JSONata states do not use `.$` keys: AWS rejects them.
fn check_no_dollar_keys(value: &Value, location: &str, state: &str, cx: &mut ParseContext) {
    match value {
        Value::Object(map) => {
            for (key, member) in map {
                let at = format!("{location}/{key}");
                if key.ends_with(".$") {
                    cx.report(schema(
                        format!(
                            "The field '{key}' of the state '{state}' ends with '.$', which JSONata states do not use: write the expression as \"{{% ... %}}\""
                        ),
                        at.clone(),
                    ));
                }
                check_no_dollar_keys(member, &at, state, cx);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                check_no_dollar_keys(item, &location::element(location, i), state, cx);
            }
        }
        _ => {}
    }
}

/// A JSONata-only field in a state whose language is JSONPath, as AWS
/// words it.
pub(super) fn jsonata_only(key: &str, location: String) -> super::Diagnostic {
    schema(
        format!(
            "The QueryLanguage is set to 'JSONPath', but field '{key}' is only supported for the 'JSONata' QueryLanguage"
        ),
        location,
    )
}

/// The field `key` as a JSONata template, when present; its expressions
/// are checked as AWS checks them (see `jsonata_checks`).
pub(super) fn jsonata_template(
    obj: &Obj<'_>,
    key: &str,
    error_output: ErrorOutput,
    cx: &mut ParseContext,
) -> Option<JsonataTemplate> {
    let value = obj.get(key)?;
    if !check_field(value, &obj.at(key), error_output, cx) {
        return None;
    }
    // Every expression parsed above, so compiling cannot fail on syntax.
    JsonataTemplate::compile(value).ok()
}

/// The field `key` when it is a `{% %}` string.
pub(super) fn jsonata_expression(
    obj: &Obj<'_>,
    key: &str,
    cx: &mut ParseContext,
) -> Option<JsonataExpression> {
    let value = obj.get(key)?;
    let text = value.as_str().filter(|t| is_expression(t))?;
    if !check_field(value, &obj.at(key), ErrorOutput::Unavailable, cx) {
        return None;
    }
    JsonataExpression::parse_field(text).ok().flatten()
}

/// The `Assign` field, when present.
pub(super) fn assign(
    obj: &Obj<'_>,
    language: QueryLanguage,
    error_output: ErrorOutput,
    cx: &mut ParseContext,
) -> Option<Assign> {
    let value = obj.get("Assign")?;
    if language == QueryLanguage::Jsonata
        && !check_field(value, &obj.at("Assign"), error_output, cx)
    {
        return None;
    }
    match Assign::compile(value, language) {
        Ok(assign) => Some(assign),
        Err(e) => {
            cx.report(schema(
                e.message,
                format!("{}{}", obj.at("Assign"), location::below(value, &e.pointer)),
            ));
            None
        }
    }
}

/// A number field of a JSONata Map: a number within `0..=max`, or an
/// expression.
fn number(obj: &Obj<'_>, key: &str, max: f64, cx: &mut ParseContext) -> Option<JsonataTemplate> {
    let value = obj.get(key)?;
    match value {
        Value::Number(n) if n.as_f64().is_some_and(|n| (0.0..=max).contains(&n)) => {
            Some(JsonataTemplate::Literal(value.clone()))
        }
        Value::String(text) if is_expression(text) => {
            jsonata_expression(obj, key, cx).map(JsonataTemplate::Expression)
        }
        _ => {
            cx.report(schema(
                format!("The value for the field '{key}' must be a number between 0 and {max} or a JSONata expression"),
                obj.at(key),
            ));
            None
        }
    }
}

/// The JSONata fields of a Map state.
pub(super) fn map_jsonata(obj: &Obj<'_>, cx: &mut ParseContext) -> MapJsonata {
    let items = jsonata_template(obj, "Items", ErrorOutput::Unavailable, cx);
    if let Some(JsonataTemplate::Literal(value)) = &items {
        if !value.is_array() {
            cx.report(obj.wrong_type("Items", "an array or a JSONata expression"));
        }
    }
    MapJsonata {
        items,
        item_selector: jsonata_template(obj, "ItemSelector", ErrorOutput::Unavailable, cx),
        max_concurrency: number(obj, "MaxConcurrency", f64::MAX, cx),
        tolerated_failure_count: number(obj, "ToleratedFailureCount", f64::MAX, cx),
        tolerated_failure_percentage: number(obj, "ToleratedFailurePercentage", 100.0, cx),
    }
}

//! JSONata field values: a `{% %}` string, or JSON whose nested strings
//! may be `{% %}` expressions (`Arguments`, `Output`, `Assign` values,
//! `ItemSelector`, `Items`).

use serde_json::{Map, Value};

use super::detect::is_expression;
use super::env::JsonataEnv;
use super::expression::{JsonataExpression, JsonataSyntaxError};

/// A compiled JSONata field value.
#[derive(Clone, Debug, PartialEq)]
pub enum JsonataTemplate {
    /// A value with no expression anywhere.
    Literal(Value),
    /// A `{% %}` string.
    Expression(JsonataExpression),
    /// An object with an expression somewhere below.
    Object(Vec<(String, JsonataTemplate)>),
    /// An array with an expression somewhere below.
    Array(Vec<JsonataTemplate>),
}

/// An expression of a template that does not parse, and where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateSyntaxError {
    /// JSON pointer below the template root (`/a/0`), empty at the root.
    pub pointer: String,
    /// The parser's complaint.
    pub error: JsonataSyntaxError,
}

impl JsonataTemplate {
    /// Compiles `value`, parsing every `{% %}` string in it.
    pub fn compile(value: &Value) -> Result<Self, TemplateSyntaxError> {
        compile_at(value, "")
    }

    /// Evaluates every expression; `field` names the field for errors
    /// (nested ones read `Output/a/b`).
    pub fn render(
        &self,
        env: &JsonataEnv<'_>,
        field: &str,
    ) -> Result<Value, crate::asl::StatesError> {
        match self {
            JsonataTemplate::Literal(value) => Ok(value.clone()),
            JsonataTemplate::Expression(expression) => env.value(expression, field),
            JsonataTemplate::Object(members) => {
                let mut out = Map::with_capacity(members.len());
                for (key, member) in members {
                    let value = match member {
                        JsonataTemplate::Literal(v) => v.clone(),
                        _ => member.render(env, &format!("{field}/{key}"))?,
                    };
                    out.insert(key.clone(), value);
                }
                Ok(Value::Object(out))
            }
            JsonataTemplate::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, item)| item.render(env, &format!("{field}[{i}]")))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array),
        }
    }
}

fn compile_at(value: &Value, pointer: &str) -> Result<JsonataTemplate, TemplateSyntaxError> {
    let fail = |error| TemplateSyntaxError {
        pointer: pointer.to_owned(),
        error,
    };
    match value {
        Value::String(text) if is_expression(text) => JsonataExpression::parse_field(text)
            .map_err(fail)?
            .map(JsonataTemplate::Expression)
            .ok_or_else(|| {
                fail(JsonataSyntaxError {
                    message: "not an expression".to_owned(),
                })
            }),
        Value::Object(map) => {
            let members = map
                .iter()
                .map(|(key, member)| {
                    compile_at(member, &format!("{pointer}/{key}")).map(|t| (key.clone(), t))
                })
                .collect::<Result<Vec<_>, _>>()?;
            if members
                .iter()
                .all(|(_, t)| matches!(t, JsonataTemplate::Literal(_)))
            {
                Ok(JsonataTemplate::Literal(value.clone()))
            } else {
                Ok(JsonataTemplate::Object(members))
            }
        }
        Value::Array(items) => {
            let compiled = items
                .iter()
                .enumerate()
                .map(|(i, item)| compile_at(item, &format!("{pointer}/{i}")))
                .collect::<Result<Vec<_>, _>>()?;
            if compiled
                .iter()
                .all(|t| matches!(t, JsonataTemplate::Literal(_)))
            {
                Ok(JsonataTemplate::Literal(value.clone()))
            } else {
                Ok(JsonataTemplate::Array(compiled))
            }
        }
        other => Ok(JsonataTemplate::Literal(other.clone())),
    }
}

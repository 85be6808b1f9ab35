//! Payload templates: `Parameters`, `ResultSelector`, `ItemSelector`.
//!
//! A template is JSON whose object keys ending in `.$` take a path or an
//! intrinsic call; the key loses its `.$` suffix in the output. Nested
//! objects and arrays are templates too. Parts without any `.$` key are
//! kept as one literal so rendering them is a single clone.

use serde_json::{Map, Value};

use super::expression::Expression;
use super::path::DataScope;
use super::states_error::StatesError;

/// A compiled payload template.
#[derive(Clone, Debug, PartialEq)]
pub enum Template {
    /// A value with no dynamic part.
    Literal(Value),
    /// An object with at least one dynamic part somewhere below.
    Object(Vec<(String, Template)>),
    /// An array with at least one dynamic part somewhere below.
    Array(Vec<Template>),
    /// A `.$` field: `field` is the key as written (with `.$`).
    Dynamic {
        /// The key as written, for error messages.
        field: String,
        /// The path or intrinsic call.
        expression: Expression,
    },
}

/// A `.$` field whose value is not a valid path or intrinsic call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateError {
    /// Location of the field below the template root, e.g. `/a/b.$`.
    pub pointer: String,
    /// What is wrong.
    pub message: String,
}

impl Template {
    /// Compiles a template, checking every `.$` field.
    pub fn compile(value: &Value) -> Result<Self, TemplateError> {
        compile_at(value, "")
    }

    /// Renders the template against the state input and context object.
    pub fn render(&self, input: &Value, context: &dyn DataScope) -> Result<Value, StatesError> {
        match self {
            Template::Literal(value) => Ok(value.clone()),
            Template::Object(fields) => {
                let mut out = Map::with_capacity(fields.len());
                for (key, template) in fields {
                    out.insert(key.clone(), template.render(input, context)?);
                }
                Ok(Value::Object(out))
            }
            Template::Array(items) => items
                .iter()
                .map(|item| item.render(input, context))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array),
            Template::Dynamic { field, expression } => expression.evaluate(field, input, context),
        }
    }
}

fn compile_at(value: &Value, pointer: &str) -> Result<Template, TemplateError> {
    match value {
        Value::Object(map) => {
            let mut fields = Vec::with_capacity(map.len());
            for (key, child) in map {
                let child_pointer = format!("{pointer}/{key}");
                let compiled = match key.strip_suffix(".$") {
                    Some(name) => {
                        let expression = compile_dynamic(child, &child_pointer, key)?;
                        (
                            name.to_owned(),
                            Template::Dynamic {
                                field: key.clone(),
                                expression,
                            },
                        )
                    }
                    None => (key.clone(), compile_at(child, &child_pointer)?),
                };
                fields.push(compiled);
            }
            if fields
                .iter()
                .all(|(_, t)| matches!(t, Template::Literal(_)))
            {
                Ok(Template::Literal(value.clone()))
            } else {
                Ok(Template::Object(fields))
            }
        }
        Value::Array(items) => {
            let compiled = items
                .iter()
                .enumerate()
                .map(|(i, item)| compile_at(item, &format!("{pointer}/{i}")))
                .collect::<Result<Vec<_>, _>>()?;
            if compiled.iter().all(|t| matches!(t, Template::Literal(_))) {
                Ok(Template::Literal(value.clone()))
            } else {
                Ok(Template::Array(compiled))
            }
        }
        other => Ok(Template::Literal(other.clone())),
    }
}

fn compile_dynamic(value: &Value, pointer: &str, key: &str) -> Result<Expression, TemplateError> {
    let invalid = |detail: String| {
        TemplateError {
        pointer: pointer.to_owned(),
        message: format!(
            "The value for the field '{key}' must be a valid JSONPath or a valid intrinsic function call ({detail})"
        ),
    }
    };
    let text = value
        .as_str()
        .ok_or_else(|| invalid("it is not a string".to_owned()))?;
    Expression::parse(text).map_err(invalid)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn render(template: Value, input: Value) -> Result<Value, StatesError> {
        Template::compile(&template)
            .expect("valid template")
            .render(&input, &json!({"Task": {"Token": "tok"}}))
    }

    #[test]
    fn dollar_keys_read_paths_and_lose_their_suffix() {
        let out = render(
            json!({"static": {"x": 1}, "name.$": "$.user.name", "token.$": "$$.Task.Token",
                   "nested": {"all.$": "$.list[*].id"}, "list": [{"first.$": "$.list[0]"}, 3]}),
            json!({"user": {"name": "Ada"}, "list": [{"id": 1}, {"id": 2}]}),
        );
        assert_eq!(
            out,
            Ok(json!({"static": {"x": 1}, "name": "Ada", "token": "tok",
                      "nested": {"all": [1, 2]}, "list": [{"first": {"id": 1}}, 3]}))
        );
    }

    #[test]
    fn a_missing_path_is_a_runtime_error_naming_the_field() {
        let error = render(json!({"x.$": "$.missing"}), json!({"a": 1})).expect_err("must fail");
        assert_eq!(error.error, "States.Runtime");
        assert!(error.cause.contains("'$.missing'"), "{}", error.cause);
        assert!(error.cause.contains("'x.$'"), "{}", error.cause);
    }

    #[test]
    fn static_templates_compile_to_one_literal() {
        let value = json!({"a": [1, {"b": 2}]});
        assert_eq!(Template::compile(&value), Ok(Template::Literal(value)));
    }

    #[test]
    fn invalid_dynamic_values_are_rejected_with_their_location() {
        for bad in [
            json!({"a": {"b.$": 5}}),
            json!({"a": {"b.$": "not a path"}}),
            json!({"a": {"b.$": "States.Nope()"}}),
        ] {
            let error = Template::compile(&bad).expect_err("must be rejected");
            assert_eq!(error.pointer, "/a/b.$");
        }
    }
}

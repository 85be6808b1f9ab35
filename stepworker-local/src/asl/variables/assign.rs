//! The `Assign` field: compiled at definition time, evaluated on exit.

use std::collections::BTreeMap;

use serde_json::Value;

use super::names::check_variable_name;
use crate::asl::definition::QueryLanguage;
use crate::asl::jsonata::{JsonataEnv, JsonataTemplate};
use crate::asl::path::DataScope;
use crate::asl::payload::{payload_size, MAX_PAYLOAD_BYTES};
use crate::asl::states_error::StatesError;
use crate::asl::template::Template;

/// A compiled `Assign` field.
#[derive(Clone, Debug, PartialEq)]
pub struct Assign {
    names: Vec<String>,
    values: AssignValues,
}

#[derive(Clone, Debug, PartialEq)]
enum AssignValues {
    /// JSONPath: `"name": literal` or `"name.$": path or intrinsic`.
    JsonPath(Template),
    /// JSONata: values may be `{% %}` expressions at any depth.
    Jsonata(JsonataTemplate),
}

/// Why an `Assign` field is unusable: a message and the pointer below the
/// field where the problem is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssignError {
    /// JSON pointer below `Assign` (`/name.$`), empty for the field itself.
    pub pointer: String,
    /// What is wrong.
    pub message: String,
}

impl Assign {
    /// Compiles `value` for a state of `language`.
    pub fn compile(value: &Value, language: QueryLanguage) -> Result<Self, AssignError> {
        let Value::Object(map) = value else {
            return Err(AssignError {
                pointer: String::new(),
                message: "The value for the field 'Assign' must be a JSON object".to_owned(),
            });
        };
        let mut names: Vec<String> = Vec::with_capacity(map.len());
        for key in map.keys() {
            let name = match language {
                QueryLanguage::JsonPath => key.strip_suffix(".$").unwrap_or(key),
                QueryLanguage::Jsonata => key.as_str(),
            };
            let bad = |message: String| AssignError {
                pointer: format!("/{key}"),
                message,
            };
            check_variable_name(name).map_err(|reason| bad(format!("Invalid Assign: {reason}")))?;
            if names.iter().any(|n| n == name) {
                return Err(bad(format!(
                    "Invalid Assign: the variable '{name}' is assigned twice"
                )));
            }
            names.push(name.to_owned());
        }
        let values = match language {
            QueryLanguage::JsonPath => Template::compile(value)
                .map(AssignValues::JsonPath)
                .map_err(|e| AssignError {
                    pointer: e.pointer,
                    message: e.message,
                })?,
            QueryLanguage::Jsonata => JsonataTemplate::compile(value)
                .map(AssignValues::Jsonata)
                .map_err(|e| AssignError {
                    pointer: e.pointer,
                    message: format!("The JSONata expression is invalid: {}", e.error),
                })?,
        };
        Ok(Self { names, values })
    }

    /// The names this field assigns.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The values of a JSONPath `Assign`: paths read `data` (the state's
    /// result, its effective input, or the error output in a Catch).
    pub fn evaluate_jsonpath(
        &self,
        data: &Value,
        scope: &dyn DataScope,
    ) -> Result<Assignment, StatesError> {
        match &self.values {
            AssignValues::JsonPath(template) => {
                Assignment::from_object(template.render(data, scope)?)
            }
            AssignValues::Jsonata(_) => Err(StatesError::runtime(
                "A JSONata Assign field was evaluated as JSONPath",
            )),
        }
    }

    /// The values of a JSONata `Assign`.
    pub fn evaluate_jsonata(&self, env: &JsonataEnv<'_>) -> Result<Assignment, StatesError> {
        match &self.values {
            AssignValues::Jsonata(template) => {
                Assignment::from_object(template.render(env, "Assign")?)
            }
            AssignValues::JsonPath(_) => Err(StatesError::runtime(
                "A JSONPath Assign field was evaluated as JSONata",
            )),
        }
    }
}

/// A value about to be assigned, with its serialized size.
#[derive(Clone, Debug, PartialEq)]
pub struct AssignedValue {
    /// The value.
    pub value: Value,
    /// Its size as compact JSON, bytes.
    pub size: usize,
}

/// The evaluated variables of one `Assign`, checked against the per-value
/// and per-field limits (256 KiB each).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Assignment {
    values: Vec<(String, AssignedValue)>,
}

impl Assignment {
    /// Checks `pairs` against the limits.
    pub fn of(pairs: Vec<(String, Value)>) -> Result<Self, StatesError> {
        let mut total = 0usize;
        let mut values = Vec::with_capacity(pairs.len());
        for (name, value) in pairs {
            let size = payload_size(&value);
            if size > MAX_PAYLOAD_BYTES {
                return Err(StatesError::data_limit_exceeded(format!(
                    "The value assigned to the variable '{name}' is {size} bytes, more than the maximum \
                     of {MAX_PAYLOAD_BYTES} bytes."
                )));
            }
            total += size;
            values.push((name, AssignedValue { value, size }));
        }
        if total > MAX_PAYLOAD_BYTES {
            return Err(StatesError::data_limit_exceeded(format!(
                "The values of the Assign field are {total} bytes together, more than the maximum of \
                 {MAX_PAYLOAD_BYTES} bytes."
            )));
        }
        Ok(Self { values })
    }

    fn from_object(rendered: Value) -> Result<Self, StatesError> {
        match rendered {
            Value::Object(map) => Self::of(map.into_iter().collect()),
            other => Err(StatesError::runtime(format!(
                "The Assign field must produce a JSON object, got {other}"
            ))),
        }
    }

    /// True when nothing is assigned.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The names and values.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &AssignedValue)> {
        self.values.iter().map(|(n, v)| (n, v))
    }

    /// The names and values, taken.
    pub fn into_values(self) -> impl Iterator<Item = (String, Value)> {
        self.values.into_iter().map(|(n, v)| (n, v.value))
    }

    /// The `assignedVariables` of the `StateExited` event: each name with
    /// its value as JSON text.
    pub fn history(&self) -> BTreeMap<String, String> {
        self.values
            .iter()
            .map(|(name, v)| (name.clone(), v.value.to_string()))
            .collect()
    }
}

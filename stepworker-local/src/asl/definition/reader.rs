//! Typed, located access to the JSON objects of a definition.

use serde_json::{Map, Value};

use super::error::{Diagnostic, DiagnosticCode};
use crate::asl::path::{Path, ReferencePath};

/// The result of reading one field: a value or the diagnostic explaining
/// why it is unusable.
pub(super) type Read<T> = Result<T, Diagnostic>;

/// A `SCHEMA_VALIDATION_FAILED` diagnostic.
pub(super) fn schema(message: impl Into<String>, location: impl Into<String>) -> Diagnostic {
    Diagnostic::new(DiagnosticCode::SchemaValidationFailed, message, location)
}

/// The largest integer AWS accepts for seconds and attempt counts.
pub(super) const MAX_SECONDS: u64 = 99_999_999;

/// A JSON object of the definition and where it sits (`/States/A`).
pub(super) struct Obj<'a> {
    pub map: &'a Map<String, Value>,
    pub location: String,
}

impl<'a> Obj<'a> {
    /// `value` as an object, or a diagnostic at `location`.
    pub fn new(value: &'a Value, location: String, what: &str) -> Read<Self> {
        match value {
            Value::Object(map) => Ok(Self { map, location }),
            _ => Err(schema(
                format!("{what} must be a JSON object"),
                display(&location),
            )),
        }
    }

    /// The location of the field `key`.
    pub fn at(&self, key: &str) -> String {
        format!("{}/{key}", self.location)
    }

    /// The location of this object itself, as shown to users.
    pub fn here(&self) -> String {
        display(&self.location)
    }

    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key)
    }

    pub fn has(&self, key: &str) -> bool {
        self.map.contains_key(key)
    }

    /// Rejects fields not in `allowed`, each reported as AWS does: at this
    /// object (the state, for a state's fields), `Field 'X' is not
    /// supported`.
    pub fn check_fields(&self, allowed: &[&str]) -> Vec<Diagnostic> {
        self.map
            .keys()
            .filter(|key| !allowed.contains(&key.as_str()))
            .map(|key| schema(format!("Field '{key}' is not supported"), self.here()))
            .collect()
    }

    pub fn required(&self, key: &str) -> Read<&'a Value> {
        self.get(key)
            .ok_or_else(|| schema(format!("These fields are required: [{key}]"), self.here()))
    }

    pub fn required_str(&self, key: &str) -> Read<&'a str> {
        let value = self.required(key)?;
        value
            .as_str()
            .ok_or_else(|| self.wrong_type(key, "a string"))
    }

    pub fn opt_str(&self, key: &str) -> Read<Option<&'a str>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(self.wrong_type(key, "a string")),
        }
    }

    pub fn opt_bool(&self, key: &str) -> Read<Option<bool>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(self.wrong_type(key, "a boolean")),
        }
    }

    /// An integer within `min..=max`.
    pub fn opt_int(&self, key: &str, min: u64, max: u64) -> Read<Option<u64>> {
        match self.get(key) {
            None => Ok(None),
            Some(value) => match value.as_u64() {
                Some(n) if (min..=max).contains(&n) => Ok(Some(n)),
                _ => Err(schema(
                    format!("The value for the field '{key}' must be an integer between {min} and {max}"),
                    self.at(key),
                )),
            },
        }
    }

    /// A number within `min..=max`.
    pub fn opt_number(&self, key: &str, min: f64, max: f64) -> Read<Option<f64>> {
        match self.get(key) {
            None => Ok(None),
            Some(value) => match value.as_f64() {
                Some(n) if n >= min && n <= max => Ok(Some(n)),
                _ => Err(schema(
                    format!(
                        "The value for the field '{key}' must be a number between {min} and {max}"
                    ),
                    self.at(key),
                )),
            },
        }
    }

    /// A Path field: `Some(path)`; absent gives `$`, `null` gives `None`.
    pub fn path_or_null(&self, key: &str) -> Read<Option<Path>> {
        match self.get(key) {
            None => Ok(Some(Path::root())),
            Some(Value::Null) => Ok(None),
            Some(_) => self.opt_path(key),
        }
    }

    /// An optional Path field that must be a string when present.
    pub fn opt_path(&self, key: &str) -> Read<Option<Path>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(text)) => Path::parse(text).map(Some).map_err(|e| {
                schema(
                    format!(
                        "The value for the field '{key}' must be a valid JSONPath: {}",
                        e.reason
                    ),
                    self.at(key),
                )
            }),
            Some(_) => Err(self.wrong_type(key, "a JSONPath string")),
        }
    }

    /// A ResultPath-like field: a Reference Path on the input; absent gives
    /// `$`, `null` gives `None`.
    pub fn reference_path_or_null(&self, key: &str) -> Read<Option<ReferencePath>> {
        match self.get(key) {
            None => Ok(Some(ReferencePath::root())),
            Some(Value::Null) => Ok(None),
            Some(Value::String(text)) => ReferencePath::parse(text).map(Some).map_err(|e| {
                schema(
                    format!("The value for the field '{key}' must be a valid ReferencePath: {e}"),
                    self.at(key),
                )
            }),
            Some(_) => Err(self.wrong_type(key, "a ReferencePath string")),
        }
    }

    /// Error if both fields of a mutually exclusive pair are present.
    pub fn exclusive(&self, a: &str, b: &str) -> Read<()> {
        if self.has(a) && self.has(b) {
            return Err(schema(
                format!("The fields '{a}' and '{b}' are mutually exclusive"),
                self.here(),
            ));
        }
        Ok(())
    }

    pub fn wrong_type(&self, key: &str, wanted: &str) -> Diagnostic {
        schema(
            format!("The value for the field '{key}' must be {wanted}"),
            self.at(key),
        )
    }
}

/// The root location reads `/` rather than the empty string.
pub(super) fn display(location: &str) -> String {
    if location.is_empty() {
        "/".to_owned()
    } else {
        location.to_owned()
    }
}

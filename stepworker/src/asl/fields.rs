//! Value types shared by several states: query language, nullable paths,
//! numbers that may also be a path or a JSONata expression, transitions, and
//! the input/output fields most states carry.

use serde::{Serialize, Serializer};
use serde_json::Value;

/// The language a state (or the whole state machine) uses for data
/// selection: `QueryLanguage` in ASL. The service defaults to JSONPath.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum QueryLanguage {
    /// `"JSONPath"`: `InputPath`, `Parameters`, `ResultSelector`,
    /// `ResultPath`, `OutputPath` and the `*Path` fields.
    #[default]
    #[serde(rename = "JSONPath")]
    JsonPath,
    /// `"JSONata"`: `Arguments`, `Output` and `{% ... %}` expressions.
    #[serde(rename = "JSONata")]
    Jsonata,
}

impl QueryLanguage {
    /// The ASL spelling: `"JSONPath"` or `"JSONata"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::JsonPath => "JSONPath",
            Self::Jsonata => "JSONata",
        }
    }
}

impl std::fmt::Display for QueryLanguage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A reference path that may also be JSON `null`, which has its own meaning
/// in ASL (`"ResultPath": null` discards the result, `"InputPath": null`
/// passes `{}`, `"OutputPath": null` emits `{}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NullablePath {
    Path(String),
    Null,
}

impl Serialize for NullablePath {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Path(path) => serializer.serialize_str(path),
            Self::Null => serializer.serialize_unit(),
        }
    }
}

/// A numeric field's value: a literal, or (in JSONata states) a
/// `{% ... %}` expression string.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub(crate) enum NumberOrExpr<T> {
    Number(T),
    Expr(String),
}

impl<T: Copy> NumberOrExpr<T> {
    /// The literal, when this is not an expression.
    pub(crate) fn literal(&self) -> Option<T> {
        match self {
            Self::Number(n) => Some(*n),
            Self::Expr(_) => None,
        }
    }
}

/// Where a state goes next: `"Next": name` or `"End": true`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Transition {
    Next(String),
    End,
}

impl Serialize for Transition {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(1))?;
        match self {
            Self::Next(next) => map.serialize_entry("Next", next)?,
            Self::End => map.serialize_entry("End", &true)?,
        }
        map.end()
    }
}

/// The data-flow fields shared by most state types. Each state type only
/// exposes setters for the fields ASL allows on it (see `setters.rs`), so a
/// field a state cannot carry is never set.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Common {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) comment: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) query_language: Option<QueryLanguage>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) input_path: Option<NullablePath>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) parameters: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) arguments: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) result: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) result_selector: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) result_path: Option<NullablePath>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) output_path: Option<NullablePath>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) output: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) assign: Option<Value>,
}

impl Common {
    /// The names of the set fields that only JSONPath states accept.
    pub(crate) fn json_path_fields(&self) -> Vec<&'static str> {
        let set = [
            ("InputPath", self.input_path.is_some()),
            ("Parameters", self.parameters.is_some()),
            ("ResultSelector", self.result_selector.is_some()),
            ("ResultPath", self.result_path.is_some()),
            ("OutputPath", self.output_path.is_some()),
            ("Result", self.result.is_some()),
        ];
        set.into_iter()
            .filter_map(|(name, present)| present.then_some(name))
            .collect()
    }

    /// The names of the set fields that only JSONata states accept.
    pub(crate) fn jsonata_fields(&self) -> Vec<&'static str> {
        let set = [
            ("Arguments", self.arguments.is_some()),
            ("Output", self.output.is_some()),
        ];
        set.into_iter()
            .filter_map(|(name, present)| present.then_some(name))
            .collect()
    }
}

//! Paths that read data: `$...` on the state input, `$$...` on the
//! context object or `$name...` on a workflow variable, definite or not.
//!
//! AWS evaluates Paths with Jayway JsonPath. A *definite* path (one that is
//! also a Reference Path: only members and indexes) yields the single node
//! it names, and naming nothing is an error. Any other path (`[*]`, `..`,
//! slices, unions, filters) yields a JSON array of every match, possibly
//! empty. We parse definite paths ourselves and hand indefinite ones to
//! `serde_json_path`, which implements RFC 9535. Differences from Jayway
//! that remain: RFC 9535 only knows its own function set (`length()`,
//! `count()`, `match()`, `search()`, `value()`), has no `=~` regex operator
//! and needs bracket notation for member names that are not identifiers
//! inside indefinite paths (`$..['a-b']`).

use std::borrow::Cow;
use std::fmt;

use serde_json::Value;

use super::reference::ReferencePath;
use super::scope::DataScope;

/// Which document a path reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathRoot {
    /// `$`: the state's (effective) input.
    Input,
    /// `$$`: the context object.
    Context,
    /// `$name`: a workflow variable (its name is [`Path::variable`]).
    Variable,
}

#[derive(Clone)]
enum Selector {
    Definite(ReferencePath),
    Indefinite(Box<serde_json_path::JsonPath>),
}

/// A parsed Path (`$.a`, `$.items[*].id`, `$$.Execution.Id`, ...).
#[derive(Clone)]
pub struct Path {
    text: String,
    root: PathRoot,
    /// The variable name of a `$name` path.
    variable: Option<String>,
    selector: Selector,
}

/// Why a string is not a valid Path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathError {
    /// The offending text.
    pub path: String,
    /// What the parser objected to.
    pub reason: String,
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "'{}' is not a valid JSONPath: {}",
            self.path, self.reason
        )
    }
}

impl std::error::Error for PathError {}

/// A definite path named nothing in the document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathNotFound {
    /// The path as written.
    pub path: String,
}

impl Path {
    /// The root path `$`.
    pub fn root() -> Self {
        Self {
            text: "$".to_owned(),
            root: PathRoot::Input,
            variable: None,
            selector: Selector::Definite(ReferencePath::root()),
        }
    }

    /// Parses a path starting with `$`, `$$` or `$name`.
    pub fn parse(text: &str) -> Result<Self, PathError> {
        let mut variable = None;
        let (root, body) = match text.strip_prefix("$$") {
            Some(rest) => (PathRoot::Context, format!("${rest}")),
            None => match split_variable(text) {
                Some((name, rest)) => {
                    variable = Some(name.to_owned());
                    (PathRoot::Variable, format!("${rest}"))
                }
                None => (PathRoot::Input, text.to_owned()),
            },
        };
        if !body.starts_with('$') {
            return Err(PathError {
                path: text.to_owned(),
                reason: "a path must start with '$'".to_owned(),
            });
        }
        let selector = match ReferencePath::parse(&body) {
            Ok(reference) => Selector::Definite(reference),
            Err(_) => serde_json_path::JsonPath::parse(&body)
                .map(|query| Selector::Indefinite(Box::new(query)))
                .map_err(|e| PathError {
                    path: text.to_owned(),
                    reason: e.to_string(),
                })?,
        };
        Ok(Self {
            text: text.to_owned(),
            root,
            variable,
            selector,
        })
    }

    /// The variable a `$name` path reads.
    pub fn variable(&self) -> Option<&str> {
        self.variable.as_deref()
    }

    /// True if `text` looks like a path (starts with `$`); used to tell
    /// paths from intrinsic function calls in `.$` fields.
    pub fn looks_like_path(text: &str) -> bool {
        text.starts_with('$')
    }

    /// The path as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Which document the path reads.
    pub fn root_kind(&self) -> PathRoot {
        self.root
    }

    /// True for `$` (the whole input), which needs no evaluation.
    pub fn is_input_root(&self) -> bool {
        self.root == PathRoot::Input
            && matches!(&self.selector, Selector::Definite(r) if r.is_root())
    }

    /// The reference path of a definite path (members and indexes only).
    pub fn definite(&self) -> Option<&ReferencePath> {
        match &self.selector {
            Selector::Definite(reference) => Some(reference),
            Selector::Indefinite(_) => None,
        }
    }

    /// The document the path reads: the input, the context object or the
    /// variable; `None` for a variable that is not set.
    pub fn document<'a>(&self, input: &'a Value, scope: &'a dyn DataScope) -> Option<&'a Value> {
        match self.root {
            PathRoot::Input => Some(input),
            PathRoot::Context => Some(scope.context()),
            PathRoot::Variable => self
                .variable
                .as_deref()
                .and_then(|name| scope.variable(name)),
        }
    }

    /// Evaluates the path: the node for a definite path, an array of all
    /// matches for an indefinite one.
    pub fn select(&self, input: &Value, scope: &dyn DataScope) -> Result<Value, PathNotFound> {
        self.select_cow(input, scope).map(Cow::into_owned)
    }

    /// [`Path::select`] borrowing the node a definite path names, for
    /// callers that only read it (Choice rules, `SecondsPath`, ...).
    pub fn select_cow<'a>(
        &self,
        input: &'a Value,
        scope: &'a dyn DataScope,
    ) -> Result<Cow<'a, Value>, PathNotFound> {
        let not_found = || PathNotFound {
            path: self.text.clone(),
        };
        let doc = match self.root {
            PathRoot::Input => input,
            PathRoot::Context => scope.context(),
            PathRoot::Variable => self
                .variable
                .as_deref()
                .and_then(|name| scope.variable(name))
                .ok_or_else(not_found)?,
        };
        match &self.selector {
            Selector::Definite(reference) => {
                reference.get(doc).map(Cow::Borrowed).ok_or_else(not_found)
            }
            Selector::Indefinite(query) => Ok(Cow::Owned(Value::Array(
                query.query(doc).all().into_iter().cloned().collect(),
            ))),
        }
    }
}

/// `("name", ".rest")` for a `$name.rest` path: a `$` directly followed
/// by a variable name (a letter or `_`, then letters, digits and `_`).
fn split_variable(text: &str) -> Option<(&str, &str)> {
    let after = text.strip_prefix('$')?;
    let first = after.chars().next()?;
    if !(first.is_alphabetic() || first == '_') {
        return None;
    }
    let end = after
        .char_indices()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
        .map_or(after.len(), |(i, _)| i);
    Some((&after[..end], &after[end..]))
}

impl fmt::Debug for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Path({:?})", self.text)
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl PartialEq for Path {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn select(path: &str, input: &Value) -> Result<Value, PathNotFound> {
        Path::parse(path)
            .expect("valid path")
            .select(input, &json!({"Execution": {"Id": "arn:exec"}}))
    }

    #[test]
    fn definite_paths_return_the_node_or_not_found() {
        let input = json!({"a": {"b": [1, 2]}});
        assert_eq!(select("$.a.b[1]", &input), Ok(json!(2)));
        assert_eq!(select("$", &input), Ok(input.clone()));
        assert_eq!(
            select("$.nope", &input),
            Err(PathNotFound {
                path: "$.nope".into()
            })
        );
    }

    #[test]
    fn indefinite_paths_return_arrays_even_when_empty() {
        let input = json!({"items": [{"id": 1, "n": 5}, {"id": 2, "n": 0}, {"id": 3, "n": 9}]});
        assert_eq!(select("$.items[*].id", &input), Ok(json!([1, 2, 3])));
        assert_eq!(select("$..id", &input), Ok(json!([1, 2, 3])));
        assert_eq!(select("$.items[0:2].id", &input), Ok(json!([1, 2])));
        assert_eq!(select("$.items[?(@.n > 1)].id", &input), Ok(json!([1, 3])));
        assert_eq!(select("$.items[?(@.n > 100)].id", &input), Ok(json!([])));
    }

    #[test]
    fn double_dollar_reads_the_context_object() {
        assert_eq!(select("$$.Execution.Id", &json!({})), Ok(json!("arn:exec")));
        assert_eq!(
            select("$$", &json!({})),
            Ok(json!({"Execution": {"Id": "arn:exec"}}))
        );
    }

    #[test]
    fn dollar_name_reads_a_variable() {
        let mut variables = crate::asl::variables::Variables::new();
        let assignment = crate::asl::variables::Assignment::of(vec![(
            "order".into(),
            json!({"items": [{"id": 4}]}),
        )])
        .expect("small");
        variables.apply(assignment).expect("fits");
        let context = json!({});
        let scope = super::super::Scope {
            context: &context,
            variables: &variables,
        };
        let read = |text: &str| Path::parse(text).expect("valid").select(&json!({}), &scope);
        assert_eq!(read("$order.items[0].id"), Ok(json!(4)));
        assert_eq!(read("$order.items[*].id"), Ok(json!([4])));
        assert!(read("$missing").is_err());
        assert_eq!(
            Path::parse("$order").expect("valid").root_kind(),
            PathRoot::Variable
        );
    }

    #[test]
    fn malformed_paths_are_rejected() {
        for bad in [
            "",
            "a",
            "$.a[",
            "$[?(@.x >)]",
            "$$$",
            "$.a..",
            "$x y",
            "States.Format('x')",
        ] {
            assert!(Path::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }
}

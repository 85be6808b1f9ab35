//! Reference Paths: the JSONPath subset that names exactly one node.
//!
//! States Language: "A Reference Path is a Path with syntax limited in such a
//! way that it can only identify a single node in a JSON structure: the
//! operators `@`, `,`, `:` and `?` are not supported". We accept `$`,
//! `.name`, `['name']` / `["name"]` and `[index]`. Being definite, a
//! reference path can both read a value and write one (for `ResultPath`).

use std::fmt;

use serde_json::{Map, Value};

/// One step of a reference path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    /// An object member.
    Field(String),
    /// An array element (zero-based).
    Index(usize),
}

/// A parsed Reference Path such as `$.order.items[0]['unit price']`.
#[derive(Clone, PartialEq, Eq)]
pub struct ReferencePath {
    text: String,
    segments: Vec<Segment>,
}

/// Why a string is not a reference path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReferencePathError {
    /// What is wrong, for the validation message.
    pub reason: String,
}

impl fmt::Display for ReferencePathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for ReferencePathError {}

/// Why a value could not be written at a reference path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetError {
    /// The prefix of the path at which the document had the wrong shape.
    pub at: String,
}

impl ReferencePath {
    /// The root path `$`.
    pub fn root() -> Self {
        Self {
            text: "$".to_owned(),
            segments: Vec::new(),
        }
    }

    /// Parses a reference path.
    pub fn parse(text: &str) -> Result<Self, ReferencePathError> {
        let segments = SegmentParser::new(text).parse()?;
        Ok(Self {
            text: text.to_owned(),
            segments,
        })
    }

    /// The path as written in the definition.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The steps after `$`.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// True for `$` itself.
    pub fn is_root(&self) -> bool {
        self.segments.is_empty()
    }

    /// The node the path names in `doc`, if it exists.
    pub fn get<'a>(&self, doc: &'a Value) -> Option<&'a Value> {
        self.segments
            .iter()
            .try_fold(doc, |node, segment| match (segment, node) {
                (Segment::Field(name), Value::Object(map)) => map.get(name),
                (Segment::Index(i), Value::Array(items)) => items.get(*i),
                _ => None,
            })
    }

    /// Writes `value` at this path inside `doc` and returns the new document.
    ///
    /// Missing object members along the way are created (AWS: `ResultPath`
    /// "$.a.b" on `{}` gives `{"a":{"b":..}}`); a step through a scalar, or
    /// an array index that does not exist, cannot be applied.
    pub fn set(&self, mut doc: Value, value: Value) -> Result<Value, SetError> {
        self.write(&mut doc, value)?;
        Ok(doc)
    }

    /// Like [`ReferencePath::set`], in place. On failure `doc` is left as it
    /// was, so the error can quote it.
    pub fn write(&self, doc: &mut Value, value: Value) -> Result<(), SetError> {
        self.check_writable(doc)?;
        let Some((last, parents)) = self.segments.split_last() else {
            *doc = value;
            return Ok(());
        };
        let mut node = doc;
        for (depth, segment) in parents.iter().enumerate() {
            node = match (segment, node) {
                (Segment::Field(name), Value::Object(map)) => {
                    // Looked up before `entry` so an existing member costs
                    // no key allocation.
                    if !map.contains_key(name) {
                        map.insert(name.clone(), Value::Object(Map::new()));
                    }
                    match map.get_mut(name) {
                        Some(child) => child,
                        None => return Err(self.set_error(depth)),
                    }
                }
                (Segment::Index(i), Value::Array(items)) if *i < items.len() => &mut items[*i],
                _ => return Err(self.set_error(depth)),
            };
        }
        match (last, node) {
            (Segment::Field(name), Value::Object(map)) => match map.get_mut(name) {
                Some(slot) => *slot = value,
                None => {
                    map.insert(name.clone(), value);
                }
            },
            (Segment::Index(i), Value::Array(items)) if *i < items.len() => items[*i] = value,
            _ => return Err(self.set_error(parents.len())),
        }
        Ok(())
    }

    /// Whether [`ReferencePath::write`] can succeed on `doc`, without
    /// touching it: members it would create are empty objects, so only an
    /// index below one of them fails there.
    fn check_writable(&self, doc: &Value) -> Result<(), SetError> {
        let mut node = Some(doc);
        for (depth, segment) in self.segments.iter().enumerate() {
            node = match (segment, node) {
                // A member created on the way is an empty object.
                (Segment::Field(_), None) => None,
                (Segment::Field(name), Some(Value::Object(map))) => map.get(name),
                (Segment::Index(i), Some(Value::Array(items))) if *i < items.len() => items.get(*i),
                _ => return Err(self.set_error(depth)),
            };
        }
        Ok(())
    }

    fn set_error(&self, depth: usize) -> SetError {
        let mut at = String::from("$");
        for segment in &self.segments[..depth] {
            match segment {
                Segment::Field(name) => {
                    at.push('.');
                    at.push_str(name);
                }
                Segment::Index(i) => at.push_str(&format!("[{i}]")),
            }
        }
        SetError { at }
    }
}

impl fmt::Debug for ReferencePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ReferencePath({:?})", self.text)
    }
}

impl fmt::Display for ReferencePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Characters that make a dot-notation name something other than a plain
/// member name (wildcards, filters, unions, slices, function calls).
const RESERVED_IN_NAME: &[char] = &['*', '?', '@', ',', ':', '(', ')', '[', ']', '\'', '"'];

struct SegmentParser<'a> {
    text: &'a str,
    rest: &'a str,
}

impl<'a> SegmentParser<'a> {
    fn new(text: &'a str) -> Self {
        Self { text, rest: text }
    }

    fn fail(&self, reason: &str) -> ReferencePathError {
        ReferencePathError {
            reason: format!("'{}' is not a valid reference path: {reason}", self.text),
        }
    }

    fn parse(mut self) -> Result<Vec<Segment>, ReferencePathError> {
        self.rest = self
            .rest
            .strip_prefix('$')
            .ok_or_else(|| self.fail("it must start with '$'"))?;
        let mut segments = Vec::new();
        while let Some(c) = self.rest.chars().next() {
            let segment = match c {
                '.' => self.dot_name()?,
                '[' => self.bracket()?,
                _ => return Err(self.fail("expected '.' or '['")),
            };
            segments.push(segment);
            // Writing at a path builds one level per segment.
            if segments.len() > crate::asl::limits::MAX_PATH_SEGMENTS {
                return Err(self.fail(&format!(
                    "it has more than {} segments",
                    crate::asl::limits::MAX_PATH_SEGMENTS
                )));
            }
        }
        Ok(segments)
    }

    fn dot_name(&mut self) -> Result<Segment, ReferencePathError> {
        let after_dot = &self.rest[1..];
        let end = after_dot.find(['.', '[']).unwrap_or(after_dot.len());
        let name = &after_dot[..end];
        if name.is_empty() {
            return Err(self.fail("empty member name (deep scan '..' is not allowed)"));
        }
        if name.contains(RESERVED_IN_NAME) || name.contains(char::is_whitespace) {
            return Err(self.fail("only single members and indexes are allowed"));
        }
        self.rest = &after_dot[end..];
        Ok(Segment::Field(name.to_owned()))
    }

    fn bracket(&mut self) -> Result<Segment, ReferencePathError> {
        let inner = &self.rest[1..];
        if let Some(quote) = inner.chars().next().filter(|c| *c == '\'' || *c == '"') {
            let body = &inner[1..];
            let close = format!("{quote}]");
            let end = body
                .find(&close)
                .ok_or_else(|| self.fail("unterminated quoted member name"))?;
            let name = &body[..end];
            self.rest = &body[end + close.len()..];
            return Ok(Segment::Field(name.to_owned()));
        }
        let end = inner.find(']').ok_or_else(|| self.fail("missing ']'"))?;
        let digits = &inner[..end];
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(self.fail("only non-negative integer indexes are allowed in brackets"));
        }
        let index = digits
            .parse::<usize>()
            .map_err(|_| self.fail("index out of range"))?;
        self.rest = &inner[end + 1..];
        Ok(Segment::Index(index))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn path(text: &str) -> ReferencePath {
        ReferencePath::parse(text).expect("valid reference path")
    }

    #[test]
    fn reads_members_indexes_and_quoted_names() {
        let doc = json!({"a": {"b": [10, {"unit price": 3}]}});
        assert_eq!(path("$").get(&doc), Some(&doc));
        assert_eq!(path("$.a.b[0]").get(&doc), Some(&json!(10)));
        assert_eq!(path("$.a.b[1]['unit price']").get(&doc), Some(&json!(3)));
        assert_eq!(path("$['a'][\"b\"][1]").get(&doc), doc["a"]["b"].get(1));
        assert_eq!(path("$.a.missing").get(&doc), None);
        assert_eq!(path("$.a.b[5]").get(&doc), None);
        assert_eq!(path("$.a.b.c").get(&doc), None);
    }

    #[test]
    fn rejects_indefinite_and_malformed_paths() {
        for bad in [
            "",
            "a.b",
            "$..a",
            "$.*",
            "$.a[*]",
            "$.a[0:2]",
            "$.a[?(@.x)]",
            "$.a[0,1]",
            "$.",
            "$[",
            "$['a'",
            "$.a b",
            "$[-1]",
            "$x",
        ] {
            assert!(
                ReferencePath::parse(bad).is_err(),
                "{bad:?} should be rejected"
            );
        }
    }

    #[test]
    fn sets_values_creating_missing_objects() {
        let doc = json!({"keep": 1});
        assert_eq!(path("$").set(doc.clone(), json!(7)), Ok(json!(7)));
        assert_eq!(
            path("$.result.inner").set(doc.clone(), json!(true)),
            Ok(json!({"keep": 1, "result": {"inner": true}}))
        );
        assert_eq!(
            path("$.keep").set(doc, json!("replaced")),
            Ok(json!({"keep": "replaced"}))
        );
        assert_eq!(
            path("$.list[1]").set(json!({"list": [0, 0]}), json!(5)),
            Ok(json!({"list": [0, 5]}))
        );
    }

    #[test]
    fn set_through_a_scalar_or_missing_index_fails() {
        assert_eq!(
            path("$.a.b").set(json!({"a": "text"}), json!(1)),
            Err(SetError { at: "$.a".into() })
        );
        assert!(path("$.x").set(json!("scalar input"), json!(1)).is_err());
        assert!(path("$.list[3]")
            .set(json!({"list": []}), json!(1))
            .is_err());
    }
}

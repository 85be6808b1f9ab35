//! How AWS words a definite path that names nothing.
//!
//! AWS reads paths with Jayway JsonPath and quotes its message after
//! `Invalid path '<path>' : `. Recorded answers (LocalStack's
//! `test_states_errors.snapshot.json`): a missing last member is
//! `No results for path: $['NoSuchInputPath']`, a missing member on the way
//! is `Missing property in path $['no']`, each path written in bracket
//! notation up to the member that is missing.

use serde_json::Value;

use super::query::Path;
use super::reference::Segment;
use super::scope::DataScope;

/// Jayway's reason `path` names nothing in `input` (or the context object or
/// variable it reads); `None` when it names something after all, or is
/// not a definite path.
pub fn not_found_reason(path: &Path, input: &Value, scope: &dyn DataScope) -> Option<String> {
    let segments = path.definite()?.segments();
    let mut node = path.document(input, scope);
    let mut written = String::from("$");
    for (i, segment) in segments.iter().enumerate() {
        match segment {
            Segment::Field(name) => written.push_str(&format!("['{name}']")),
            Segment::Index(index) => written.push_str(&format!("[{index}]")),
        }
        let next = node.and_then(|n| match (segment, n) {
            (Segment::Field(name), Value::Object(map)) => map.get(name),
            (Segment::Index(index), Value::Array(items)) => items.get(*index),
            _ => None,
        });
        if next.is_none() {
            let last = i + 1 == segments.len();
            return Some(if last {
                format!("No results for path: {written}")
            } else {
                format!("Missing property in path {written}")
            });
        }
        node = next;
    }
    node.is_none()
        .then(|| format!("No results for path: {written}"))
}

/// The `Invalid path` message of `path` naming nothing in `input`.
pub fn invalid_path_message(path: &Path, input: &Value, scope: &dyn DataScope) -> String {
    let reason = not_found_reason(path, input, scope)
        .unwrap_or_else(|| format!("No results for path: {}", path.as_str()));
    format!("Invalid path '{}' : {reason}", path.as_str())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn reason(path: &str, input: Value) -> Option<String> {
        let path = Path::parse(path).expect("valid path");
        not_found_reason(&path, &input, &Value::Null)
    }

    #[test]
    fn a_missing_leaf_has_no_results() {
        assert_eq!(
            reason("$.NoSuchInputPath", json!({})).as_deref(),
            Some("No results for path: $['NoSuchInputPath']")
        );
        assert_eq!(
            reason("$.a.b", json!({"a": {}})).as_deref(),
            Some("No results for path: $['a']['b']")
        );
    }

    #[test]
    fn a_missing_member_on_the_way_is_a_missing_property() {
        assert_eq!(
            reason("$.no.such.result.path", json!({"x": 1})).as_deref(),
            Some("Missing property in path $['no']")
        );
    }

    #[test]
    fn a_path_that_names_something_has_no_reason() {
        assert_eq!(reason("$.a", json!({"a": null})), None);
    }
}

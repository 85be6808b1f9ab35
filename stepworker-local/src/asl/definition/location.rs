//! Locations as AWS writes them: object members as `/name`, array
//! elements as `[i]` (`/States/C/Choices[0]/Next`).

use serde_json::Value;

/// The location of element `index` of the array at `location`.
pub(super) fn element(location: &str, index: usize) -> String {
    format!("{location}[{index}]")
}

/// A `/a/0/b` pointer below `value` (as the template compilers write it)
/// rewritten in AWS's form, `/a[0]/b`, by following it through `value`:
/// a segment that indexes an array becomes `[i]`. Segments that do not
/// match `value` are kept as written.
pub(super) fn below(value: &Value, pointer: &str) -> String {
    let mut out = String::with_capacity(pointer.len());
    let mut current = Some(value);
    for segment in pointer.split('/').skip(1) {
        match current {
            Some(Value::Array(items)) => match segment.parse::<usize>() {
                Ok(i) => {
                    out.push_str(&format!("[{i}]"));
                    current = items.get(i);
                }
                Err(_) => {
                    out.push('/');
                    out.push_str(segment);
                    current = None;
                }
            },
            Some(Value::Object(map)) => {
                out.push('/');
                out.push_str(segment);
                current = map.get(segment);
            }
            _ => {
                out.push('/');
                out.push_str(segment);
                current = None;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn array_steps_are_bracketed_and_object_keys_are_not() {
        let value = json!({"a": [{"b.$": "x"}, 1], "0": {"1": true}});
        assert_eq!(below(&value, "/a/0/b.$"), "/a[0]/b.$");
        assert_eq!(below(&value, "/0/1"), "/0/1");
        assert_eq!(below(&value, ""), "");
        assert_eq!(below(&value, "/missing/0"), "/missing/0");
        assert_eq!(element("/States/C/Choices", 2), "/States/C/Choices[2]");
    }
}

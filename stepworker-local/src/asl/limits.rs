//! The bounds that keep hostile definitions and inputs from crashing or
//! exhausting the engine: how deep a value or a query may nest and how much
//! work one query may do. Every parser and evaluator reachable from a
//! request checks these before it recurses or allocates.
//!
//! AWS documents no nesting limit for JSON payloads; its JSON readers refuse
//! documents nested about a thousand levels deep. The limits here are far
//! above anything a real workflow writes and low enough that every
//! recursive walk over a value (serializing, comparing, dropping) fits the
//! 2 MiB stack of a tokio worker thread, in debug builds too.

use serde_json::Value;

/// Deepest nesting of arrays and objects a value built by the engine may
/// reach (JSONata results, `ResultPath` writes, templates). Request
/// payloads are already limited to 128 levels by the JSON parser.
pub const MAX_VALUE_DEPTH: usize = 512;

/// Most segments (`.name` or `[index]`) a path may have: a `ResultPath`
/// with a million segments would build a value a million levels deep.
pub const MAX_PATH_SEGMENTS: usize = 256;

/// Deepest nesting of brackets, parentheses and `!` inside a JSONPath
/// query: the query parser recurses once per level.
pub const MAX_QUERY_NESTING: usize = 32;

/// Most node visits one JSONPath query may be expected to make, estimated
/// from the query and the document before it runs (see
/// `Query::select`): several descendant segments (`$..*..*`)
/// select a number of nodes that grows as a power of the document's depth.
pub const MAX_QUERY_VISITS: u128 = 10_000_000;

/// Most bytes (as compact JSON) the nodes one indefinite query selects may
/// hold together: they are copied into a new array.
pub const MAX_SELECTED_BYTES: usize = 4 * stepworker::model::MAX_PAYLOAD_BYTES;

/// Levels [`depth_exceeds`] walks by recursion, allocating nothing,
/// before it falls back to a stack of its own (a few hundred bytes of the
/// thread's stack per level).
const RECURSIVE_LEVELS: usize = 16;

/// How deep `value` nests (a scalar is depth 0, `[]` and `[1]` depth 1),
/// stopping early once past `limit`. Every state's output is checked, and
/// most are shallow: those are walked by a bounded recursion with no
/// allocation; a value nested past [`RECURSIVE_LEVELS`] is walked again
/// without recursion.
pub fn depth_exceeds(value: &Value, limit: usize) -> bool {
    match shallow_depth_exceeds(value, 0, limit) {
        Some(exceeds) => exceeds,
        None => deep_depth_exceeds(value, limit),
    }
}

/// [`depth_exceeds`] for `value` at `depth`; `None` if it nests past
/// [`RECURSIVE_LEVELS`] before an answer.
fn shallow_depth_exceeds(value: &Value, depth: usize, limit: usize) -> Option<bool> {
    let inner = depth + 1;
    let children: &mut dyn Iterator<Item = &Value> = match value {
        Value::Array(items) => &mut items.iter(),
        Value::Object(map) => &mut map.values(),
        _ => return Some(false),
    };
    if inner > limit {
        return Some(true);
    }
    if inner > RECURSIVE_LEVELS {
        return None;
    }
    for child in children {
        match shallow_depth_exceeds(child, inner, limit) {
            Some(false) => {}
            answer => return answer,
        }
    }
    Some(false)
}

/// [`depth_exceeds`] without recursion, for any depth.
fn deep_depth_exceeds(value: &Value, limit: usize) -> bool {
    let mut stack: Vec<(&Value, usize)> = vec![(value, 0)];
    while let Some((node, depth)) = stack.pop() {
        let inner = depth + 1;
        match node {
            Value::Array(_) | Value::Object(_) if inner > limit => return true,
            Value::Array(items) => stack.extend(items.iter().map(|v| (v, inner))),
            Value::Object(map) => stack.extend(map.values().map(|v| (v, inner))),
            _ => {}
        }
    }
    false
}

/// The number of nodes in `value` and its depth, counted without recursion.
pub(crate) fn shape(value: &Value) -> (u128, u128) {
    let mut nodes = 0u128;
    let mut deepest = 0u128;
    let mut stack: Vec<(&Value, u128)> = vec![(value, 0)];
    while let Some((node, depth)) = stack.pop() {
        nodes += 1;
        deepest = deepest.max(depth);
        match node {
            Value::Array(items) => stack.extend(items.iter().map(|v| (v, depth + 1))),
            Value::Object(map) => stack.extend(map.values().map(|v| (v, depth + 1))),
            _ => {}
        }
    }
    (nodes, deepest)
}

/// Drops a value of any depth without recursing: the default drop of a
/// `serde_json::Value` recurses once per level.
pub fn drop_flat(value: Value) {
    let mut stack = vec![value];
    while let Some(node) = stack.pop() {
        match node {
            Value::Array(items) => stack.extend(items),
            Value::Object(map) => stack.extend(map.into_iter().map(|(_, v)| v)),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn nested(depth: usize) -> Value {
        let mut value = json!(1);
        for _ in 0..depth {
            value = Value::Array(vec![value]);
        }
        value
    }

    #[test]
    fn depth_is_counted_per_container_level() {
        assert!(!depth_exceeds(&json!(1), 0));
        assert!(depth_exceeds(&json!([]), 0));
        assert!(!depth_exceeds(&json!({"a": [1]}), 2));
        assert!(depth_exceeds(&json!({"a": [1]}), 1));
        let deep = nested(100_000);
        assert!(depth_exceeds(&deep, MAX_VALUE_DEPTH));
        assert!(!depth_exceeds(&nested(MAX_VALUE_DEPTH), MAX_VALUE_DEPTH));
        drop_flat(deep);
    }

    /// The recursive walk of shallow values and the stack walk of deep ones
    /// agree at every depth around the switch and every limit.
    #[test]
    fn shallow_and_deep_walks_agree() {
        for depth in 0..RECURSIVE_LEVELS * 3 {
            let values = [
                nested(depth),
                json!({"a": 1, "b": [2, {"c": nested(depth)}], "d": {}}),
                json!([nested(depth / 2), nested(depth), "x"]),
            ];
            for value in &values {
                for limit in 0..RECURSIVE_LEVELS * 3 + 2 {
                    assert_eq!(
                        depth_exceeds(value, limit),
                        deep_depth_exceeds(value, limit),
                        "depth {depth}, limit {limit}: {value}"
                    );
                }
            }
        }
    }

    /// The deepest value one state can build before its output is checked
    /// (the depth limit, plus a full `ResultPath`, plus a template as deep
    /// as a definition can nest) must survive every recursive walk on the
    /// 2 MiB stack of a tokio worker, in debug builds.
    #[test]
    fn the_deepest_value_a_state_can_build_fits_a_worker_stack() {
        let worst = MAX_VALUE_DEPTH + MAX_PATH_SEGMENTS + 128;
        let walked = std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(move || {
                let value = nested(worst);
                let copy = value.clone();
                let text = serde_json::to_string(&value).expect("serializes");
                let same = copy == value;
                drop(copy);
                drop(value);
                (text.len(), same)
            })
            .expect("spawns")
            .join()
            .expect("no stack overflow");
        assert_eq!(walked, (2 * worst + 1, true));
    }

    #[test]
    fn shape_counts_nodes_and_depth() {
        assert_eq!(shape(&json!({"a": [1, 2], "b": null})), (5, 2));
        assert_eq!(shape(&json!(3)), (1, 0));
    }
}

//! What a path text may ask for, measured before it is parsed or run.
//!
//! `serde_json_path` parses with recursive descent (one stack frame chain
//! per bracket, parenthesis or `!`) and evaluates eagerly, collecting every
//! match: a filter nested 2,000 levels deep overflows the stack, and
//! `$..*..*..*..*..*` over a 100-deep document collects billions of nodes.
//! It exposes no parsed form to inspect, so the text is scanned here.

use serde_json::Value;

use crate::asl::limits::{
    shape, MAX_PATH_SEGMENTS, MAX_QUERY_NESTING, MAX_QUERY_VISITS, MAX_SELECTED_BYTES,
};

/// The cost drivers of one path text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct QueryShape {
    /// Descendant segments (`..`), in the query and in its filters.
    descendants: u32,
    /// Filter selectors (`?`): each runs a sub-query per candidate node.
    filters: u32,
    /// Product of the selector counts of the bracketed unions (`[0,0,0]`
    /// selects a node three times).
    union_factor: u128,
}

impl QueryShape {
    /// Scans `text`, refusing nesting or length the parsers cannot take.
    pub(super) fn of(text: &str) -> Result<Self, String> {
        let mut shape = Self {
            descendants: 0,
            filters: 0,
            union_factor: 1,
        };
        // Open brackets and parentheses, each with its count of top-level
        // commas (for brackets only).
        let mut open: Vec<(char, u128)> = Vec::new();
        let mut deepest = 0usize;
        let mut negations = 0usize;
        let mut segments = 0usize;
        let mut quote: Option<char> = None;
        let mut chars = text.chars().peekable();
        let mut previous = '\0';
        while let Some(c) = chars.next() {
            if let Some(q) = quote {
                if c == '\\' {
                    chars.next();
                } else if c == q {
                    quote = None;
                }
                previous = c;
                continue;
            }
            match c {
                '\'' | '"' => quote = Some(c),
                '(' | '[' => {
                    open.push((c, 1));
                    deepest = deepest.max(open.len());
                    if c == '[' {
                        segments += 1;
                    }
                }
                ')' | ']' => {
                    if let Some((kind, selectors)) = open.pop() {
                        if kind == '[' {
                            shape.union_factor = shape.union_factor.saturating_mul(selectors);
                        }
                    }
                }
                ',' => {
                    if let Some((kind, selectors)) = open.last_mut() {
                        if *kind == '[' {
                            *selectors += 1;
                        }
                    }
                }
                '!' if chars.peek() != Some(&'=') => negations += 1,
                '?' => shape.filters += 1,
                '.' => {
                    segments += 1;
                    if previous == '.' {
                        shape.descendants += 1;
                        // `...` is not three descendant segments.
                        previous = '\0';
                        continue;
                    }
                }
                _ => {}
            }
            previous = c;
        }
        if deepest + negations > MAX_QUERY_NESTING {
            return Err(format!(
                "it nests brackets, parentheses and '!' more than {MAX_QUERY_NESTING} levels deep"
            ));
        }
        if segments > MAX_PATH_SEGMENTS {
            return Err(format!("it has more than {MAX_PATH_SEGMENTS} segments"));
        }
        Ok(shape)
    }

    /// An upper bound on the nodes the query visits in `doc`.
    ///
    /// A match is a chain of nodes, one per segment. A child segment has one
    /// candidate per node; a descendant segment or a filter can pick any of
    /// a node's ancestors, at most `depth` of them; unions repeat nodes.
    /// So `nodes * depth^(descendants + filters) * unions` bounds both the
    /// matches and the work, without parsing the query.
    fn visits(&self, doc: &Value) -> u128 {
        let (nodes, depth) = shape(doc);
        let depth = depth.max(1);
        let mut bound = nodes.saturating_mul(self.union_factor);
        for _ in 0..(self.descendants + self.filters) {
            bound = bound.saturating_mul(depth);
            if bound > MAX_QUERY_VISITS {
                break;
            }
        }
        bound
    }

    /// Refuses to run a query whose work on `doc` has no safe bound.
    pub(super) fn check_work(&self, doc: &Value) -> Result<(), String> {
        // Child segments alone visit each node at most once per union.
        if self.descendants == 0 && self.filters == 0 && self.union_factor == 1 {
            return Ok(());
        }
        if self.visits(doc) > MAX_QUERY_VISITS {
            return Err(format!(
                "the query could visit more than {MAX_QUERY_VISITS} nodes of this document"
            ));
        }
        Ok(())
    }
}

/// Refuses matches that together exceed [`MAX_SELECTED_BYTES`], measured
/// before any is copied.
pub(super) fn check_selected_bytes(matches: &[&Value]) -> Result<(), String> {
    let mut counter = Budget {
        left: MAX_SELECTED_BYTES,
    };
    for node in matches {
        if serde_json::to_writer(&mut counter, node).is_err() {
            return Err(format!(
                "the nodes it selects hold more than {MAX_SELECTED_BYTES} bytes"
            ));
        }
    }
    Ok(())
}

/// A writer that fails once more than its budget was written.
struct Budget {
    left: usize,
}

impl std::io::Write for Budget {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.left = self
            .left
            .checked_sub(buf.len())
            .ok_or_else(|| std::io::Error::other("over budget"))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn scans_descendants_filters_and_unions_outside_strings() {
        let shape = QueryShape::of("$..a[?(@.b == '..[,]')]['x','y']").expect("fine");
        assert_eq!(shape.descendants, 1);
        assert_eq!(shape.filters, 1);
        assert_eq!(shape.union_factor, 2);
    }

    #[test]
    fn refuses_deep_nesting_and_long_paths() {
        let deep = format!("$[?{}@.a{}]", "(".repeat(40), ")".repeat(40));
        assert!(QueryShape::of(&deep).is_err());
        let negated = format!("$[?{}@.a]", "!".repeat(40));
        assert!(QueryShape::of(&negated).is_err());
        assert!(QueryShape::of("$[?(@.a != 1)]").is_ok());
        let long = format!("${}", ".a".repeat(MAX_PATH_SEGMENTS + 1));
        assert!(QueryShape::of(&long).is_err());
    }

    #[test]
    fn work_grows_with_descendant_segments_and_depth() {
        let mut deep = json!(1);
        for _ in 0..100 {
            deep = json!([deep]);
        }
        let explosive = QueryShape::of("$..*..*..*..*..*").expect("parses");
        assert!(explosive.check_work(&deep).is_err());
        let ordinary = QueryShape::of("$..*").expect("parses");
        assert!(ordinary.check_work(&deep).is_ok());
        let plain = QueryShape::of("$.a.b[*]").expect("parses");
        assert!(plain.check_work(&deep).is_ok());
    }

    #[test]
    fn selected_bytes_are_bounded_before_copying() {
        let big = Value::String("x".repeat(MAX_SELECTED_BYTES));
        assert!(check_selected_bytes(&[&big]).is_err());
        let small = json!([1, 2]);
        assert!(check_selected_bytes(&[&small, &small]).is_ok());
    }
}

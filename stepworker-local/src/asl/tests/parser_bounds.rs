//! Deep and huge inputs for every parser a request reaches: each answers
//! (a value or an error) on the 2 MiB stack of a tokio worker thread, in
//! debug builds, instead of overflowing it. The generators nest the
//! constructs each grammar recurses on far past the engine's limits.

use crate::asl::intrinsic::{evaluate, parse_intrinsic};
use crate::asl::jsonata::JsonataExpression;
use crate::asl::parse_definition;
use crate::asl::path::{Path, ReferencePath};
use proptest::prelude::*;
use serde_json::{json, Value};

/// Runs `work` on a thread with a tokio worker's default stack; a stack
/// overflow aborts the test process, which fails the run.
fn on_worker_stack<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(work)
        .expect("spawns")
        .join()
        .expect("no panic")
}

/// An opening and a closing piece that nest inside each other.
fn nesting() -> impl Strategy<Value = (&'static str, &'static str)> {
    prop_oneof![
        Just(("(", ")")),
        Just(("[", "]")),
        Just(("[?(", ")]")),
        Just(("!", "")),
        Just(("States.Array(", ")")),
        Just(("$..", "")),
        Just(("{'a':", "}")),
        Just(("-", "")),
        Just(("$f(", ")")),
        Just(("1?", ":0")),
    ]
}

/// `open * depth + core + close * depth`, the pieces mixed.
fn deep_text() -> impl Strategy<Value = String> {
    (prop::collection::vec(nesting(), 1..4), 50usize..3_000).prop_map(|(pieces, depth)| {
        let mut text = String::new();
        for i in 0..depth {
            text.push_str(pieces[i % pieces.len()].0);
        }
        text.push_str("@.a");
        for i in (0..depth).rev() {
            text.push_str(pieces[i % pieces.len()].1);
        }
        text
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn deep_paths_and_queries_are_refused_not_overflowed(body in deep_text()) {
        on_worker_stack(move || {
            for text in [format!("$[?{body}]"), format!("${body}"), format!("$.a{body}")] {
                if let Ok(path) = Path::parse(&text) {
                    let _ = path.select(&json!({"a": [1, {"a": 2}]}), &Value::Null);
                }
                let _ = ReferencePath::parse(&text);
            }
        });
    }

    #[test]
    fn deep_intrinsics_are_refused_not_overflowed(body in deep_text()) {
        on_worker_stack(move || {
            for text in [format!("States.Format({body})"), format!("States.Array({body})")] {
                if let Ok(call) = parse_intrinsic(&text) {
                    let _ = evaluate(&call, &json!({"a": 1}), &Value::Null);
                }
            }
        });
    }

    #[test]
    fn deep_jsonata_is_refused_not_overflowed(body in deep_text()) {
        on_worker_stack(move || {
            let _ = JsonataExpression::parse(&body.replace('@', "$"));
        });
    }

    #[test]
    fn deeply_nested_definitions_answer(depth in 1usize..60, kind in 0usize..2) {
        on_worker_stack(move || {
            let mut branch = json!({"StartAt": "L", "States": {"L": {"Type": "Pass", "End": true}}});
            for _ in 0..depth {
                branch = if kind == 0 {
                    json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": [branch], "End": true}}})
                } else {
                    json!({"StartAt": "M", "States": {"M": {"Type": "Map", "ItemProcessor": branch, "End": true}}})
                };
            }
            let _ = parse_definition(&branch.to_string());
        });
    }

    #[test]
    fn long_flat_paths_are_bounded(segments in 200usize..5_000) {
        on_worker_stack(move || {
            let text = format!("${}", ".a".repeat(segments));
            let parsed = Path::parse(&text);
            prop_assert_eq!(parsed.is_ok(), segments <= 256, "{} segments", segments);
            Ok(())
        })?;
    }
}

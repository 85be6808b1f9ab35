//! What every fuzz target shares: the engine's memory budget as the global
//! allocator (as the binary installs it), a panic hook that tells a panic
//! the engine catches on purpose from one it does not, and a document to
//! run paths and expressions over.

use serde_json::{json, Value};

/// The binary's JSONata budget (over the system allocator, which the
/// sanitizers instrument, not jemalloc): an evaluation that passes its
/// memory budget is cancelled, not run until the fuzzer's RSS limit kills it.
#[global_allocator]
static ALLOCATOR: stepworker_local::BudgetAllocator = stepworker_local::BudgetAllocator::SYSTEM;

/// Installs the panic hook once. jsonata-core panics on some inputs and the
/// engine catches those panics around the parser and evaluator (a refused
/// definition, a failed state): they are not findings. Any other panic is,
/// even one something catches, so it aborts the process for libFuzzer.
pub fn init() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_jsonata_core = info
                .location()
                .is_some_and(|at| at.file().contains("jsonata"));
            if in_jsonata_core {
                return;
            }
            default(info);
            std::process::abort();
        }));
    });
}

/// The input the fuzzed paths and expressions read: nested objects and
/// arrays, every JSON type, keys with odd characters.
pub fn document() -> Value {
    json!({
        "a": [1, {"a": 2, "b": [true, null, "x"]}, [3, [4, [5]]]],
        "b": {"c": {"d": {"e": "deep"}}, "list": [1.5, -2, 1e300]},
        "s": "text",
        "n": 42,
        "empty": {},
        "weird key": {"with.dot": 1, "with'quote": 2, "ünï": 3}
    })
}

/// The bytes as text, or `None` (the parsers take `&str`).
pub fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

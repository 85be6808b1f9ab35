//! Intrinsic functions (`States.Format(...)` and the rest): parse and
//! evaluate on a document.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use stepworker_local::asl::intrinsic::{evaluate, parse_intrinsic};

fuzz_target!(|data: &[u8]| {
    stepworker_local_fuzz::init();
    let Some(text) = stepworker_local_fuzz::text(data) else {
        return;
    };
    if let Ok(call) = parse_intrinsic(text) {
        let _ = evaluate(&call, &stepworker_local_fuzz::document(), &Value::Null);
    }
});

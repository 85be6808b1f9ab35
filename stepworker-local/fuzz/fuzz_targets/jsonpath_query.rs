//! JSONPath queries (`InputPath`, `ItemsPath`, `Parameters` `.$` fields):
//! parse, select from a document, and explain a miss as a failed state
//! would.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use stepworker_local::asl::path::{invalid_path_message, Path};

fuzz_target!(|data: &[u8]| {
    stepworker_local_fuzz::init();
    let Some(text) = stepworker_local_fuzz::text(data) else {
        return;
    };
    if let Ok(path) = Path::parse(text) {
        let doc = stepworker_local_fuzz::document();
        if path.select(&doc, &Value::Null).is_err() {
            let _ = invalid_path_message(&path, &doc, &Value::Null);
        }
    }
});

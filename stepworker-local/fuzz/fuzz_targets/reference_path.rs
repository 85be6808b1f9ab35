//! Reference paths (`ResultPath`, `OutputPath` targets): parse, read and
//! write on a document.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stepworker_local::asl::path::ReferencePath;

fuzz_target!(|data: &[u8]| {
    stepworker_local_fuzz::init();
    let Some(text) = stepworker_local_fuzz::text(data) else {
        return;
    };
    if let Ok(path) = ReferencePath::parse(text) {
        let doc = stepworker_local_fuzz::document();
        let _ = path.get(&doc);
        let _ = path.set(doc, serde_json::json!({"written": true}));
    }
});

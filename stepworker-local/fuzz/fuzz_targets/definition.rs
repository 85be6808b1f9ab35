//! Whole state machine definitions, as CreateStateMachine and
//! ValidateStateMachineDefinition receive them.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stepworker_local::asl::parse_definition;

fuzz_target!(|data: &[u8]| {
    stepworker_local_fuzz::init();
    let Some(text) = stepworker_local_fuzz::text(data) else {
        return;
    };
    let _ = parse_definition(text);
});

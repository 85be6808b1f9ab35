//! Mock configuration files (`--mock-config`), and the lookups an execution
//! makes in a parsed one.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stepworker_local::MockConfig;

fuzz_target!(|data: &[u8]| {
    stepworker_local_fuzz::init();
    let Some(text) = stepworker_local_fuzz::text(data) else {
        return;
    };
    let Ok(config) = MockConfig::from_json(text) else {
        return;
    };
    let machines: Vec<String> = config.state_machines().map(str::to_owned).collect();
    for machine in &machines {
        let cases: Vec<String> = config.test_cases(machine).map(str::to_owned).collect();
        for case in &cases {
            let _ = config.test_case(machine, case);
        }
    }
});

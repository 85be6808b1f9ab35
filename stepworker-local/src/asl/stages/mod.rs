//! Running states in either query language: the entry points the runner
//! calls, which pick the JSONPath or the JSONata processing of each step
//! and evaluate `Assign`.

mod choice;
mod finish;
mod input;
mod map;
mod timing;

pub use choice::choose_any;
pub use finish::{catch_state, fail_any, finish_state, Finished};
pub use input::effective_input_any;
pub use map::{map_inputs, map_limits_any};
pub use timing::{task_timeouts_any, wait_until_any};

use serde_json::Value;

use super::jsonata::{JsonataEnv, StatesBinding};
use super::path::Scope;

/// The JSONata environment with `$states.input` = `input`. Causes do not
/// name the state: the runner prefixes them with it, as AWS does.
fn env<'a>(
    input: &'a Value,
    result: Option<&'a Value>,
    error_output: Option<&'a Value>,
    scope: Scope<'a>,
) -> JsonataEnv<'a> {
    JsonataEnv::new(
        StatesBinding {
            input,
            result,
            error_output,
            context: scope.context,
        },
        scope.variables,
    )
}

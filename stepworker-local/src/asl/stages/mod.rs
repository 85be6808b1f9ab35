//! The processing stages of a state, in the order the runner calls them;
//! each is one function that picks the JSONPath side (`jsonpath`) or the
//! JSONata side (`jsonata`) inside, so the runner has one pipeline:
//!
//! 1. input: [`state_input`] (`InputPath` then `Parameters`, or `Arguments`);
//! 2. the state's own fields: [`pass_result`], [`choose`],
//!    [`fail_error_cause`], [`task_timeouts`], [`wait_until`],
//!    [`map_inputs`] and [`map_limits`];
//! 3. output and variables: [`finish_state`] (`ResultSelector`, `Assign`,
//!    `ResultPath`, `OutputPath`, or `Output` and `Assign`), or
//!    [`catch_state`] when a Catch takes an error.

mod catch;
mod choice;
mod fail;
mod input;
mod map;
mod output;
mod result;
mod timing;

pub use catch::catch_state;
pub use choice::choose;
pub use fail::fail_error_cause;
pub use input::state_input;
pub use map::{map_inputs, map_limits};
pub use output::{finish_state, Finished};
pub use result::pass_result;
pub use timing::{task_timeouts, wait_until};

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

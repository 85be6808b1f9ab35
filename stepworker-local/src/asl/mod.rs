//! The Amazon States Language core: parsing and validating definitions,
//! and the pure, synchronous pieces of running states (input/output
//! processing, Choice rules, Wait deadlines, timeouts, Retry/Catch,
//! JSONata expressions and workflow variables).
//!
//! Nothing here does I/O or reads a clock: values go in, values come out,
//! and time arrives as arguments. The execution runner drives these
//! functions.

pub mod budget;
pub mod definition;
pub mod errors;
mod express;
mod expression;
pub mod intrinsic;
pub mod jsonata;
pub(crate) mod jsonpath;
pub mod limits;
pub mod path;
mod payload;
mod retry;
mod stages;
mod states_error;
mod template;
#[cfg(test)]
mod tests;
mod timestamp;
pub mod variables;

pub use definition::{
    parse_definition, Definition, DefinitionError, Diagnostic, MapState, ProcessorMode, Retrier,
    State, StateKind,
};
pub use express::express_diagnostics;
pub use jsonpath::map::MapLimits;
pub(crate) use jsonpath::map::{check_item_sources, tolerated_failure_output};
pub use jsonpath::task::TaskTimeouts;
pub use path::{ContextObject, Scope};
pub use payload::{check_payload_depth, check_payload_size, MAX_PAYLOAD_BYTES};
pub use retry::{select_catcher, select_retrier};
pub use stages::{
    catch_state, choose, fail_error_cause, finish_state, map_inputs, map_limits, pass_result,
    state_input, task_timeouts, wait_until, Finished,
};
pub use states_error::StatesError;
pub use variables::{Assign, Assignment, Variables};

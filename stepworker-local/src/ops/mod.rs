//! The operations, one file per resource. Each handler takes the model's
//! input shape and returns its output shape or an AWS error.

pub mod activities;
pub mod aliases;
pub mod executions;
pub mod history;
mod lookup;
pub mod map_runs;
mod page;
pub mod redrive;
pub mod state_machines;
pub mod sync_executions;
pub mod tags;
pub mod tasks;
pub mod test_state;
pub mod validation;
pub mod versions;

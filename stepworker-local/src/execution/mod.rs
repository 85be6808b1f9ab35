//! Executions: their record and history, and the runner that walks their
//! states.

mod attempt;
mod context;
mod eval_budget;
mod guard;
mod history;
mod integrations;
mod payload;
mod record;
mod redrive;
mod report_wait;
mod retained_size;
mod runner;
#[cfg(test)]
mod runs_tests;
mod states;
mod task_log;

pub use history::{ErrorCause, Event};

pub use record::{Execution, Outcome, Redriven};
pub use redrive::spawn_redriven;
pub use runner::spawn;

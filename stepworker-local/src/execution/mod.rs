//! Executions: their record and history, and the runner that walks their
//! states.

mod context;
mod eval_budget;
mod guard;
mod history;
mod history_limit;
mod instant;
mod integration;
mod integration_callback;
mod integration_events;
mod integration_resource;
mod map;
mod map_run;
mod map_run_child;
mod map_run_items;
mod parallel;
mod payload;
mod record;
mod redrive;
mod report_wait;
mod retained_size;
mod retrying;
mod runner;
#[cfg(test)]
mod runs_tests;
mod task;
mod task_log;

pub use history::{ErrorCause, Event};

pub use record::{Execution, Outcome};
pub use redrive::{spawn_redriven, Redriven};
pub use runner::spawn;

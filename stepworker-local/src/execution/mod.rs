//! Executions: their record and history, and the runner that walks their
//! states.

mod context;
mod history;
mod record;
mod runner;
mod task;

pub use history::ErrorCause;

pub use record::{Execution, Outcome};
pub use runner::spawn;

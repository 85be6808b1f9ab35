//! Workflow variables (`Assign`, `$name`), in both query languages.
//!
//! Readings followed (AWS developer guide, "Passing data between states
//! with variables"):
//! - Every expression of a state reads the variables as they were when the
//!   state was entered; its `Assign` takes effect when it exits, so within
//!   one `Assign` no value sees another's new value.
//! - The top-level states share one scope. Each Parallel branch and Map
//!   iteration gets a scope of its own that reads the outer ones; what it
//!   assigns stays inside it (pass data out with the output instead).
//! - A name assigned inside a branch or iteration may not also be assigned
//!   in an enclosing scope: the definition is rejected.
//! - Limits: 256 KiB per variable, 256 KiB per `Assign`, 10 MiB in all;
//!   going past one fails the state with `States.DataLimitExceeded`.

mod assign;
mod names;
mod scope;

pub use assign::{Assign, Assignment};
pub use names::check_variable_name;
pub use scope::Variables;

//! One file per state type.

mod choice;
mod fail;
mod map;
mod parallel;
mod pass;
mod succeed;
mod task;
mod wait;

pub use choice::{Choice, ChoiceRule};
pub use fail::Fail;
pub use map::{ExecutionType, Map, ProcessorMode};
pub use parallel::Parallel;
pub use pass::Pass;
pub use succeed::Succeed;
pub use task::Task;
pub use wait::Wait;

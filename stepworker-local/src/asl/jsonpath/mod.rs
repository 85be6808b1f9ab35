//! The JSONPath side of each processing stage: `InputPath`, `Parameters`,
//! `ResultSelector`, `ResultPath`, `OutputPath` (`io`), Choice rules, the
//! `...Path` fields of Fail, Task, Wait and Map states, and Pass `Result`.
//!
//! The runner never calls these directly: it calls the stage functions of
//! `stages`, which pick this side or the JSONata one. The test-state
//! operation reads the JSONPath stages one by one to report each.

pub(crate) mod choice;
pub(crate) mod fail;
pub(crate) mod io;
pub(crate) mod map;
pub(crate) mod pass;
pub(crate) mod task;
pub(crate) mod wait;

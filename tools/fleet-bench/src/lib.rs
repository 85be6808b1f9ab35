//! The fleet example as an operator runs it: one process per instance,
//! against the `stepworker-local` binary under its pressure mode, stopped by
//! SIGTERM. The end-to-end tests (`tests/`) and the benchmarks
//! (`src/main.rs`) share this harness.

pub mod binaries;
pub mod engine;
pub mod fleet;
pub mod health;
pub mod ledger;
pub mod pipeline;
pub mod process;
pub mod restarts;
pub mod summary;

pub use binaries::{Binaries, Profile};
pub use engine::{EngineProcess, PressureReport};
pub use fleet::{FleetOptions, FleetProcess, StoppedFleet};
pub use ledger::Ledger;
pub use restarts::{Accounting, RestartReport, RestartScenario};

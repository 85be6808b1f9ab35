//! Everything the engine knows, under one lock: activities, state machines
//! and executions, with their creation order for listing.

mod activities;
mod kept_results;
mod map_run;
mod map_runs;
mod published;
mod registry;
mod state_machines;
mod tags;

pub use activities::{ActivityRecord, MAX_ACTIVITIES};
pub use kept_results::KeptResults;
pub use map_run::{Child, ChildStatus, MapRun, MapRunIdentity, MapRunState};
pub use map_runs::MapRunTable;
pub use published::{AliasRecord, PublishedVersion, MAX_ALIASES, MAX_VERSIONS};
pub use registry::{Registry, Retained};
pub use state_machines::{MachineVersion, StateMachineRecord, MAX_STATE_MACHINES};
pub use tags::TagSet;

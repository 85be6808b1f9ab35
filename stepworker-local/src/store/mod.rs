//! Everything the engine knows, under one lock: activities, state machines
//! and executions, with their creation order for listing.

mod activities;
mod registry;
mod state_machines;
mod tags;

pub use activities::ActivityRecord;
pub use registry::Registry;
pub use state_machines::{MachineVersion, StateMachineRecord};
pub use tags::TagSet;

//! The activity worker runtime (issue 5; being built).

mod activity;

pub use activity::Activity;

//! The local engine's HTTP API, driven over real HTTP (127.0.0.1): one test
//! binary, one module per subject, helpers in `support`. A new engine test
//! goes in the module of its subject, or a new module listed here.

mod activity_stats;
mod activity_tasks;
mod callbacks;
mod distributed_map;
mod executions;
mod express;
mod history;
mod jsonata;
mod map;
mod map_run_children;
mod map_runs;
mod mocks;
mod parallel;
mod protocol;
mod races;
mod redrive;
mod resources;
mod spec_choice;
mod spec_conformance_causes;
mod spec_conformance_data;
mod spec_conformance_history;
mod spec_conformance_validation;
mod spec_errors;
mod spec_intrinsics;
mod spec_io;
mod spec_validation;
mod states;
mod support;
mod test_state;
mod validate_definition;
mod variables;
mod versions_aliases;

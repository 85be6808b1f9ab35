//! AWS's pressure, on demand: API quotas as token buckets, injected faults
//! (throttling, 5xx, latency, connection resets before or after the call
//! took effect) and long polls that lose tasks when their client has gone.
//!
//! Everything here is off unless configured; see [`PressureConfig`].

mod config;
mod error;
mod faults;
mod faults_file;
mod injector;
mod layer;
mod lost_polls;
mod operation_name;
mod quotas;
mod stats;
mod throttle;
mod token_bucket;

pub use config::PressureConfig;
pub use error::PressureError;
pub use faults::{Faults, Latency, OperationFaults};
pub use layer::{Pressure, Reply};
pub use lost_polls::closed_poll_keeper;
pub use quotas::{Bucket, Quotas};
pub use stats::PressureCounts;

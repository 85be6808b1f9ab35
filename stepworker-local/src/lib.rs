//! stepworker-local: a Step Functions-compatible engine in one process.
//!
//! It speaks the AWS JSON 1.0 protocol of Step Functions on `POST /`, so the
//! stepworker client, boto3, the AWS CLI and aws-sdk-sfn work against it
//! with an endpoint override. It runs Amazon States Language definitions
//! with activity tasks, keeps execution history as AWS writes it, and
//! dispatches activity tasks to long-polling workers.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let engine = stepworker_local::LocalEngine::builder().start().await?;
//! let url = engine.endpoint_url(); // http://127.0.0.1:PORT
//! # let _ = url;
//! engine.shutdown().await
//! # }
//! ```

/// The Amazon States Language core. Internal: public only with the
/// `fuzzing` feature, for the fuzz targets in `fuzz/` (no stable API).
#[cfg(feature = "fuzzing")]
pub mod asl;
#[cfg(not(feature = "fuzzing"))]
mod asl;
pub mod console;
pub mod mocks;

mod activities;
mod activity_stats;
mod arn;
mod builder;
mod clock;
mod config;
mod core;
mod engine;
mod error;
mod execution;
mod memory;
mod offload;
mod ops;
mod pressure;
mod server;
mod stats;
mod store;
mod time_format;
mod tokens;
mod validate;

pub use activity_stats::ActivityStats;
pub use builder::EngineBuilder;
pub use clock::{Clock, ManualClock, Sleep, SystemClock};
pub use config::{EngineConfig, Retention};
pub use engine::LocalEngine;
pub use error::ApiError;
pub use memory::{BudgetAllocator, EngineAllocator, ENGINE_ALLOCATOR, EVALUATION_MEMORY_BUDGET};
pub use mocks::{MockConfig, MockConfigError};
pub use pressure::{
    Bucket, Faults, Latency, OperationFaults, PressureConfig, PressureCounts, PressureError, Quotas,
};
pub use server::{SigV4Keys, JSON_10};
pub use stats::StatsSnapshot;

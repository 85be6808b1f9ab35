//! The activity worker runtime: pollers, slots, heartbeats, reporting and
//! graceful shutdown, behind `#[activity]` functions.
//!
//! ```no_run
//! use stepworker::worker::{ActivityContext, Worker};
//!
//! #[stepworker::activity(name = "greet", heartbeat = "10s", timeout = "5m")]
//! async fn greet(name: String, ctx: ActivityContext) -> Result<String, String> {
//!     tokio::select! {
//!         () = ctx.cancelled() => Err("cancelled".into()),
//!         greeting = async { format!("hello {name}") } => Ok(greeting),
//!     }
//! }
//!
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! let client = stepworker::Client::local("http://127.0.0.1:8083");
//! Worker::builder(client).activity(greet).build().run_until_signal().await?;
//! # Ok(())
//! # }
//! ```

mod activity;
mod activity_error;
mod builder;
mod codec;
mod context;
pub mod error_names;
mod failure;
mod handle;
mod handler;
mod health;
mod heartbeat;
mod identity;
mod metrics;
mod pacer;
mod poller;
mod poller_count;
mod registration;
mod report;
mod retries;
mod run;
mod runtime;
mod send_rate;
mod service;
mod shutdown;
mod shutdown_phases;
mod slots;
mod sync;
mod task;
mod task_clock;
mod worker_error;

#[cfg(test)]
mod adaptive_poller_tests;
#[cfg(test)]
mod heartbeat_tests;
#[cfg(test)]
mod mock_service;
#[cfg(test)]
mod model_check;
#[cfg(test)]
mod registration_tests;
#[cfg(test)]
mod report_tests;
#[cfg(test)]
mod runtime_tests;
#[cfg(test)]
mod shutdown_tests;

#[doc(hidden)]
pub mod __private {
    //! Items `#[activity]` expansions name; not a public API.
    pub use super::macro_support::*;
}
mod macro_support;

pub use activity::Activity;
pub use activity_error::{error_chain, ActivityError, GENERIC_ERROR_NAME};
pub use builder::{
    WorkerBuilder, DEFAULT_CANCEL_GRACE, DEFAULT_CONCURRENCY, DEFAULT_HEARTBEAT_INTERVAL,
    DEFAULT_POLLERS, DEFAULT_SHUTDOWN_DEADLINE, DEFAULT_SHUTDOWN_REPORT_MARGIN, MAX_POLLERS,
};
pub use codec::MAX_OUTPUT_BYTES;
pub use context::ActivityContext;
pub use failure::{TaskFailure, MAX_CAUSE_CHARS, MAX_ERROR_CHARS};
pub use handle::WorkerHandle;
pub use health::{ActivityHealth, Health, REFUSALS_UNHEALTHY};
pub use run::Worker;
pub use shutdown::shutdown_signal;
pub use worker_error::WorkerError;

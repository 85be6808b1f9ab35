//! The Step Functions client: configuration, credentials, SigV4 signing,
//! transport, retries, errors and one fluent builder per operation.
//!
//! ```no_run
//! # async fn run() -> Result<(), stepworker::Error> {
//! use stepworker::client::Client;
//! let client = Client::local("http://127.0.0.1:8083");
//! let activity = client.create_activity().name("resize-image").send().await?;
//! println!("{}", activity.activity_arn);
//! # Ok(()) }
//! ```

mod attempts;
#[cfg(feature = "aws-config")]
mod aws_config;
mod clock_skew;
mod config;
mod credentials;
mod endpoint;
mod env_config;
mod environment;
mod error;
mod error_parse;
mod fluent;
mod idempotency;
mod paginator;
mod partitions;
mod profile_file;
mod rate_limiter;
mod retry;
mod retry_quota;
mod service;
mod signing;
mod timeouts;
mod transport;

pub use config::{Config, ConfigBuilder};
pub use credentials::{
    CachedProvider, Credentials, CredentialsSource, ProvideCredentials, SharedCredentialsProvider,
};
pub use environment::Environment;
pub use error::{Error, RetryKind, ServiceError, TransportError, TransportErrorKind};
pub use fluent::*;
pub use paginator::{ItemStream, PageStream, Paginator};
pub(crate) use rate_limiter::RateLimiter;
pub use retry::{RateLimitScope, RetryConfig, RetryMode};
pub use retry_quota::{RetryPermit, RetryQuota};
pub use service::Client;
pub use signing::SIGNING_NAME;
pub use timeouts::{TimeoutConfig, TimeoutConfigBuilder, MIN_LONG_POLL_TIMEOUT};

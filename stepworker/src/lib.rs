//! stepworker: AWS Step Functions activity workers as plain async functions.
//!
//! - [`client`]: a complete Step Functions client (fluent builders,
//!   paginators, SigV4, retries with jitter).
//! - [`model`]: the wire types of every operation, shared with
//!   `stepworker-local`.
//! - [`worker`]: the activity worker runtime behind `#[activity]`.
//! - [`asl`]: a typed Amazon States Language builder and deploy.

pub mod asl;
pub mod client;
pub mod model;
pub mod worker;

pub use client::{Client, Error};
pub use stepworker_macros::{activity, ActivityError};
pub use worker::{Activity, ActivityContext, ActivityError, Worker};

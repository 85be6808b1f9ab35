//! The lock the task table and the activity queues are built on.
//!
//! One name for it, so the model checks in `model_check` can compile the
//! same table and queue over shuttle's scheduler-controlled primitives
//! instead, and explore their interleavings.

pub use parking_lot::Mutex;
pub use tokio::time::timeout;

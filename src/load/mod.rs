//! What the load tools (`load_engine`, `load_worker`) share: the engine under
//! test (embedded or at any endpoint), the loopback ceiling they measure it
//! against, and the figures they read (quantiles, resident memory).

pub mod ceiling;
pub mod executions;
pub mod quantiles;
pub mod rss;
pub mod target;

pub use ceiling::Ceiling;
pub use quantiles::Quantiles;
pub use rss::Rss;
pub use target::{load_client, Target};

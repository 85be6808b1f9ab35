//! One module per benchmark; each prints its figure as a ratio.

pub mod idle_stop;
pub mod restarts;
pub mod throttle_rate;
pub mod throughput;

//! What the engine tests share: a typed client for the engine's HTTP API
//! (`api`) and helpers that run a definition and read what it left (`spec`).

pub mod api;
pub mod spec;

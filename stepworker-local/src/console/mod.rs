//! The local web console: state machines drawn as graphs, executions step
//! by step, activities with their queues — served by the engine beside
//! its API, with every script and style compiled in (works offline).
//!
//! The pages talk to the engine through the ordinary JSON API on `POST /`
//! and read pre-computed data from routes under `/console/`: the graph as
//! SVG (laid out here, so no graph library runs in the browser) and the
//! step list derived from an execution's history.

mod backend;
mod error;
pub(crate) mod graph;
mod routes;
pub(crate) mod steps;

pub use backend::{ActivityLoad, ConsoleBackend, PressureReport};
pub use error::ConsoleError;
pub use routes::router;

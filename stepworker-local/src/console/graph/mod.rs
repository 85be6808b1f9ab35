//! A state machine as a graph: the model built from a definition, a
//! layered layout computed here (no graph library in the browser), and
//! its SVG rendering.

mod build;
mod condition;
mod layered;
mod layout;
mod metrics;
mod model;
mod render;
mod svg;

pub use build::build_graph;
pub use render::render_svg;

#[cfg(test)]
mod tests;

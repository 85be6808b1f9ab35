//! The intrinsic functions, grouped as the AWS guide groups them.

mod args;
pub mod array;
pub mod encoding;
pub mod json;
pub mod math;
pub mod text;

//! Intrinsic functions (`States.Format(...)` and friends) in `.$` fields.

mod ast;
mod error;
mod eval;
mod function;
pub(crate) mod functions;
mod parse;

pub use ast::IntrinsicCall;
pub use error::IntrinsicError;
pub use eval::evaluate;
pub use parse::{looks_like_intrinsic, parse_intrinsic};

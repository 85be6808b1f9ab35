//! JSONata (`QueryLanguage: JSONata`): `{% %}` expressions in state fields,
//! evaluated with the `jsonata-core` crate plus the functions AWS adds.

mod convert;
pub(crate) mod detect;
mod env;
mod error;
mod expression;
mod functions;
mod references;
mod template;

pub use detect::is_expression;
pub use env::{JsonataEnv, StatesBinding};
pub use expression::{JsonataExpression, JsonataSyntaxError};
pub use template::JsonataTemplate;

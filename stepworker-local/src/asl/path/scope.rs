//! What a path can read besides the state input: the context object
//! (`$$`) and the workflow variables (`$name`).

use serde_json::Value;

use crate::asl::variables::Variables;

/// The documents a path reads besides its input.
///
/// A plain `Value` is a context object with no variables, so callers that
/// have no variables pass the context object as before.
pub trait DataScope {
    /// The context object, read by `$$` paths.
    fn context(&self) -> &Value;
    /// The variable `name`, read by `$name` paths.
    fn variable(&self, name: &str) -> Option<&Value>;
}

impl DataScope for Value {
    fn context(&self) -> &Value {
        self
    }

    fn variable(&self, _name: &str) -> Option<&Value> {
        None
    }
}

/// The context object and the variables of a running state.
#[derive(Clone, Copy, Debug)]
pub struct Scope<'a> {
    /// `$$`.
    pub context: &'a Value,
    /// `$name`.
    pub variables: &'a Variables,
}

impl DataScope for Scope<'_> {
    fn context(&self) -> &Value {
        self.context
    }

    fn variable(&self, name: &str) -> Option<&Value> {
        self.variables.get(name)
    }
}

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

/// A context object that may be built only when read: a running execution
/// keeps its `$$` as fields and builds the JSON object on the first read.
pub trait ContextObject: std::fmt::Debug + Send + Sync {
    /// The object.
    fn value(&self) -> &Value;
}

impl ContextObject for Value {
    fn value(&self) -> &Value {
        self
    }
}

/// The context object and the variables of a running state.
#[derive(Clone, Copy, Debug)]
pub struct Scope<'a> {
    /// `$$`.
    pub context: &'a dyn ContextObject,
    /// `$name`.
    pub variables: &'a Variables,
}

impl DataScope for Scope<'_> {
    fn context(&self) -> &Value {
        self.context.value()
    }

    fn variable(&self, name: &str) -> Option<&Value> {
        self.variables.get(name)
    }
}

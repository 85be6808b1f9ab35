//! JSONPath as the States Language uses it: Paths that read and Reference
//! Paths that can also write.

mod bounds;
mod not_found;
mod query;
mod reference;
mod scope;

pub use not_found::invalid_path_message;
pub use query::{Path, PathNotFound};
pub use reference::ReferencePath;
pub use scope::{ContextObject, DataScope, Scope};

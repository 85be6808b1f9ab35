//! JSONPath as the States Language uses it: Paths that read and Reference
//! Paths that can also write.

mod not_found;
mod query;
mod reference;
mod scope;

pub use not_found::{invalid_path_message, not_found_reason};
pub use query::{Path, PathError, PathNotFound, PathRoot};
pub use reference::{ReferencePath, ReferencePathError, Segment, SetError};
pub use scope::{DataScope, Scope};

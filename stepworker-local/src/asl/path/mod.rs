//! JSONPath as the States Language uses it: Paths that read and Reference
//! Paths that can also write.

mod bounds;
mod query;
mod reference;
mod scope;

pub use query::{Path, PathError, PathNotFound, PathRoot};
pub use reference::{ReferencePath, ReferencePathError, Segment, SetError};
pub use scope::{DataScope, Scope};

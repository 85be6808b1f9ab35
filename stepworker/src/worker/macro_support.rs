//! What `#[activity]` expansions name; not a public API.

use std::future::Future;
use std::pin::Pin;

/// The future a handler called through its generated type's `Deref` returns.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// Splits a handler's `Result`-like return type into its two halves, so
/// `anyhow::Result<O>` and other aliases of `Result` work as return types.
pub trait HandlerResult {
    /// The success type.
    type Ok;
    /// The error type.
    type Err;

    /// The value as a plain `Result`.
    fn into_result(self) -> Result<Self::Ok, Self::Err>;
}

impl<O, E> HandlerResult for Result<O, E> {
    type Ok = O;
    type Err = E;

    fn into_result(self) -> Result<O, E> {
        self
    }
}

//! The Step Functions client: configuration, credentials, SigV4 signing,
//! transport, retries, errors and one fluent builder per operation.
//!
//! STUB: the transport is being written (issue 3); `invoke` is not built yet.

mod error;
mod fluent;
mod paginator;

pub use error::Error;
pub use fluent::*;
pub use paginator::Paginator;

use std::sync::Arc;

use crate::model::Operation;

/// A Step Functions client. Cheap to clone: clones share one connection pool.
#[derive(Clone)]
pub struct Client {
    #[allow(dead_code)]
    inner: Arc<()>,
}

impl Client {
    /// Sends one operation: serialize, sign, send, retry, decode.
    pub(crate) async fn invoke<O: Operation>(&self, _input: O::Input) -> Result<O::Output, Error> {
        unimplemented!("client transport is not built yet")
    }
}

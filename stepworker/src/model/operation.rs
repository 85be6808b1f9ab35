use std::fmt::Debug;

use serde::de::DeserializeOwned;
use serde::Serialize;

/// One operation of the Step Functions API: its wire name and its shapes.
///
/// The client is generic over this trait (one transport path for all 37
/// operations), and the local engine uses it to decode requests.
pub trait Operation: Send + Sync + 'static {
    /// The operation name, as sent in `X-Amz-Target: AWSStepFunctions.<NAME>`.
    const NAME: &'static str;
    /// Whether the model marks the operation idempotent (safe to resend).
    const IDEMPOTENT: bool;
    /// Host prefix from the model's endpoint trait (`sync-` for
    /// StartSyncExecution and TestState).
    const HOST_PREFIX: Option<&'static str>;
    /// Error names the model lists for this operation.
    const ERRORS: &'static [&'static str];
    /// The request shape.
    type Input: Serialize + DeserializeOwned + Debug + Clone + Send + Sync + 'static;
    /// The response shape.
    type Output: Serialize + DeserializeOwned + Debug + Clone + Send + Sync + 'static;
}

/// An operation whose results come in pages linked by `nextToken`.
pub trait Paginated: Operation {
    /// One element of a page (an event, an execution, ...).
    type Item: Send + 'static;
    /// Puts the token of the next page into a request.
    fn set_next_token(input: &mut Self::Input, token: Option<String>);
    /// The token of the page after this one, if any.
    fn next_token(output: &Self::Output) -> Option<&str>;
    /// The items of one page.
    fn into_items(output: Self::Output) -> Vec<Self::Item>;
}

//! The Wait state: pause for a duration or until a time.

use serde::Serialize;

use crate::asl::fields::{Common, NumberOrExpr, Transition};
use crate::asl::setters::state_setters;

/// Exactly one of `Seconds`, `Timestamp`, `SecondsPath`, `TimestampPath`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) enum WaitFor {
    Seconds(NumberOrExpr<u64>),
    Timestamp(String),
    SecondsPath(String),
    TimestampPath(String),
}

/// A `"Type": "Wait"` state. The constructors pick how long it waits, so a
/// Wait state always has exactly one of the four duration fields.
///
/// ```
/// use stepworker::asl::Wait;
///
/// let pause = Wait::seconds(30).next("Poll");
/// let until = Wait::timestamp_path("$.notBefore").next("Send");
/// # let _ = (pause, until);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Wait {
    #[serde(flatten)]
    pub(crate) common: Common,
    #[serde(flatten)]
    pub(crate) wait_for: WaitFor,
    #[serde(flatten)]
    pub(crate) transition: Option<Transition>,
}

impl Wait {
    fn with(wait_for: WaitFor) -> Self {
        Self {
            common: Common::default(),
            wait_for,
            transition: None,
        }
    }

    /// `Seconds`: wait this many seconds.
    pub fn seconds(seconds: u64) -> Self {
        Self::with(WaitFor::Seconds(NumberOrExpr::Number(seconds)))
    }

    /// `Seconds` as a JSONata expression (`{% ... %}`).
    pub fn seconds_expr(expression: impl Into<String>) -> Self {
        Self::with(WaitFor::Seconds(NumberOrExpr::Expr(expression.into())))
    }

    /// `Timestamp`: wait until this RFC 3339 time (e.g.
    /// `2026-03-14T01:59:00Z`), or a JSONata expression yielding one.
    pub fn timestamp(timestamp: impl Into<String>) -> Self {
        Self::with(WaitFor::Timestamp(timestamp.into()))
    }

    /// `SecondsPath` (JSONPath): the number of seconds is read from the input.
    pub fn seconds_path(path: impl Into<String>) -> Self {
        Self::with(WaitFor::SecondsPath(path.into()))
    }

    /// `TimestampPath` (JSONPath): the time is read from the input.
    pub fn timestamp_path(path: impl Into<String>) -> Self {
        Self::with(WaitFor::TimestampPath(path.into()))
    }

    /// The names of the set `*Path` fields, which only JSONPath allows.
    pub(crate) fn own_json_path_fields(&self) -> Vec<&'static str> {
        match self.wait_for {
            WaitFor::SecondsPath(_) => vec!["SecondsPath"],
            WaitFor::TimestampPath(_) => vec!["TimestampPath"],
            WaitFor::Seconds(_) | WaitFor::Timestamp(_) => Vec::new(),
        }
    }
}

state_setters!(Wait: comment, paths, output, assign, transition);

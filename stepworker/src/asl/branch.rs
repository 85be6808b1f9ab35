//! A set of states with a start: the body of a Parallel branch or a Map
//! item processor (and, with the top-level fields, of a state machine).

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use super::State;

/// The `States` object. A list rather than a map: the order the states were
/// added is kept in the JSON, and a name added twice stays visible to
/// validation instead of silently replacing the first state.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct States(pub(crate) Vec<(String, State)>);

impl Serialize for States {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, state) in &self.0 {
            map.serialize_entry(name, state)?;
        }
        map.end()
    }
}

/// States and the one to start at: a branch of a [`Parallel`] state or the
/// item processor of a [`Map`] state. It is validated with the state
/// machine that contains it.
///
/// ```
/// use stepworker::asl::{Branch, Pass, Succeed};
///
/// let branch = Branch::new()
///     .start_at("Prepare")
///     .state("Prepare", Pass::new().next("Done"))
///     .state("Done", Succeed::new());
/// # let _ = branch;
/// ```
///
/// [`Parallel`]: crate::asl::Parallel
/// [`Map`]: crate::asl::Map
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Branch {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) comment: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) start_at: Option<String>,
    pub(crate) states: States,
}

impl Branch {
    /// An empty branch.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `StartAt`: the first state to run.
    pub fn start_at(mut self, state: impl Into<String>) -> Self {
        self.start_at = Some(state.into());
        self
    }

    /// Adds state `name`. States keep the order they are added in.
    pub fn state(mut self, name: impl Into<String>, state: impl Into<State>) -> Self {
        self.states.0.push((name.into(), state.into()));
        self
    }

    /// Sets `Comment`.
    pub fn comment(mut self, comment: impl Into<String>) -> Self {
        self.comment = Some(comment.into());
        self
    }

    /// The states, in the order they were added.
    pub fn states(&self) -> impl Iterator<Item = (&str, &State)> {
        self.states
            .0
            .iter()
            .map(|(name, state)| (name.as_str(), state))
    }

    /// `StartAt`, if set.
    pub fn start(&self) -> Option<&str> {
        self.start_at.as_deref()
    }
}

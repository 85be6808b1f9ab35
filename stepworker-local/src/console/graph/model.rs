//! The graph of a state machine: what is drawn, before any layout.

/// A state machine drawn as a graph: its top-level scope.
#[derive(Clone, Debug, PartialEq)]
pub struct Graph {
    /// The states of the definition itself.
    pub root: Scope,
}

/// One definition (the machine, a Parallel branch or a Map processor):
/// its states and the transitions between them. Edges never leave their
/// scope: ASL allows `Next` only within the same definition.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Scope {
    /// One node per state, in definition order.
    pub nodes: Vec<Node>,
    /// Transitions, by state name.
    pub edges: Vec<Edge>,
}

#[cfg(test)]
impl Scope {
    /// The node of the state `name` in this scope (not nested ones).
    pub fn node(&self, name: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.name == name)
    }
}

/// One state.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The state's name.
    pub name: String,
    /// The state's `Type` (`Task`, `Choice`, ...).
    pub state_type: &'static str,
    /// The scope's `StartAt` state.
    pub start: bool,
    /// The execution (or branch) may end here: `End`, `Succeed` or `Fail`.
    pub end: bool,
    /// A summary of the `Retry` rules, one entry per retrier.
    pub retries: Vec<String>,
    /// Parallel branches (one group each) or the Map item processor.
    pub groups: Vec<Group>,
}

/// A nested definition drawn inside its Parallel or Map state.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    /// What the group is (`Branch 1`, `Item processor`).
    pub label: String,
    /// Its states.
    pub scope: Scope,
}

/// Why a transition exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EdgeKind {
    /// `Next`.
    Next,
    /// A Choice rule's `Next`.
    Choice,
    /// A Choice state's `Default`.
    Default,
    /// A `Catch` rule's `Next`.
    Catch,
}

impl EdgeKind {
    /// A CSS-friendly name (`next`, `choice`, `default`, `catch`).
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::Next => "next",
            EdgeKind::Choice => "choice",
            EdgeKind::Default => "default",
            EdgeKind::Catch => "catch",
        }
    }
}

/// A transition between two states of one scope.
#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    /// Source state.
    pub from: String,
    /// Target state.
    pub to: String,
    /// Why.
    pub kind: EdgeKind,
    /// The Choice condition or the caught errors; `None` for `Next`.
    pub label: Option<String>,
}

//! `State`: any one state of a definition, tagged by its `Type`.

use serde::Serialize;

use super::fields::{Common, Transition};
use super::{Branch, Catch, Choice, Fail, Map, Parallel, Pass, Retry, Rule, Succeed, Task, Wait};

/// One state. Every state type converts into it, so builders take
/// `impl Into<State>`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "Type")]
#[allow(missing_docs)] // each variant holds the state type of the same name
#[allow(clippy::large_enum_variant)] // built once per definition, never on a hot path
pub enum State {
    Task(Task),
    Pass(Pass),
    Choice(Choice),
    Wait(Wait),
    Succeed(Succeed),
    Fail(Fail),
    Parallel(Parallel),
    Map(Map),
}

macro_rules! into_state {
    ($($kind:ident),+) => {
        $(
            impl From<$kind> for State {
                fn from(state: $kind) -> Self {
                    Self::$kind(state)
                }
            }
        )+
    };
}

into_state!(Task, Pass, Choice, Wait, Succeed, Fail, Parallel, Map);

/// A state transition found in a definition: which field names the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Target<'a> {
    pub(crate) field: &'static str,
    pub(crate) state: &'a str,
}

impl State {
    /// The ASL `Type`, e.g. `"Task"`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Task(_) => "Task",
            Self::Pass(_) => "Pass",
            Self::Choice(_) => "Choice",
            Self::Wait(_) => "Wait",
            Self::Succeed(_) => "Succeed",
            Self::Fail(_) => "Fail",
            Self::Parallel(_) => "Parallel",
            Self::Map(_) => "Map",
        }
    }

    pub(crate) fn common(&self) -> &Common {
        match self {
            Self::Task(s) => &s.common,
            Self::Pass(s) => &s.common,
            Self::Choice(s) => &s.common,
            Self::Wait(s) => &s.common,
            Self::Succeed(s) => &s.common,
            Self::Fail(s) => &s.common,
            Self::Parallel(s) => &s.common,
            Self::Map(s) => &s.common,
        }
    }

    /// `Next`/`End` of the states that need one; `None` for the others
    /// (Choice, Succeed, Fail), which never carry them.
    pub(crate) fn transition(&self) -> Option<&Option<Transition>> {
        match self {
            Self::Task(s) => Some(&s.transition),
            Self::Pass(s) => Some(&s.transition),
            Self::Wait(s) => Some(&s.transition),
            Self::Parallel(s) => Some(&s.transition),
            Self::Map(s) => Some(&s.transition),
            Self::Choice(_) | Self::Succeed(_) | Self::Fail(_) => None,
        }
    }

    pub(crate) fn retriers(&self) -> &[Retry] {
        match self {
            Self::Task(s) => &s.retry,
            Self::Parallel(s) => &s.retry,
            Self::Map(s) => &s.retry,
            _ => &[],
        }
    }

    pub(crate) fn catchers(&self) -> &[Catch] {
        match self {
            Self::Task(s) => &s.catch,
            Self::Parallel(s) => &s.catch,
            Self::Map(s) => &s.catch,
            _ => &[],
        }
    }

    /// Every state this one can go to, in definition order.
    pub(crate) fn targets(&self) -> Vec<Target<'_>> {
        let mut targets = Vec::new();
        if let Some(Some(Transition::Next(next))) = self.transition() {
            targets.push(Target {
                field: "Next",
                state: next,
            });
        }
        if let Self::Choice(choice) = self {
            targets.extend(choice.choices.iter().map(|rule| Target {
                field: "Choices",
                state: &rule.next,
            }));
            if let Some(default) = &choice.default {
                targets.push(Target {
                    field: "Default",
                    state: default,
                });
            }
        }
        targets.extend(self.catchers().iter().map(|catch| Target {
            field: "Catch",
            state: &catch.next,
        }));
        targets
    }

    /// The nested state sets: Parallel branches, the Map item processor.
    pub(crate) fn children(&self) -> Vec<&Branch> {
        match self {
            Self::Parallel(parallel) => parallel.branches.iter().collect(),
            Self::Map(map) => vec![&map.item_processor.branch],
            _ => Vec::new(),
        }
    }

    pub(crate) fn children_mut(&mut self) -> Vec<&mut Branch> {
        match self {
            Self::Parallel(parallel) => parallel.branches.iter_mut().collect(),
            Self::Map(map) => vec![&mut map.item_processor.branch],
            _ => Vec::new(),
        }
    }

    /// The names of set fields only JSONPath allows.
    pub(crate) fn json_path_fields(&self) -> Vec<&'static str> {
        let mut fields = self.common().json_path_fields();
        fields.extend(match self {
            Self::Task(task) => task.own_json_path_fields(),
            Self::Wait(wait) => wait.own_json_path_fields(),
            Self::Fail(fail) => fail.own_json_path_fields(),
            Self::Map(map) => map.own_json_path_fields(),
            _ => Vec::new(),
        });
        if self.catchers().iter().any(|c| c.result_path.is_some()) {
            fields.push("Catch.ResultPath");
        }
        if let Self::Choice(choice) = self {
            // And/Or/Not and comparisons (`Variable`) are JSONPath rules.
            let json_path_rule = choice
                .choices
                .iter()
                .find(|rule| !matches!(rule.rule, Rule::Condition(_)));
            if let Some(rule) = json_path_rule {
                fields.push(match rule.rule {
                    Rule::And(_) => "Choices.And",
                    Rule::Or(_) => "Choices.Or",
                    Rule::Not(_) => "Choices.Not",
                    Rule::Compare { .. } | Rule::Condition(_) => "Choices.Variable",
                });
            }
        }
        fields
    }

    /// The names of set fields only JSONata allows.
    pub(crate) fn jsonata_fields(&self) -> Vec<&'static str> {
        let mut fields = self.common().jsonata_fields();
        if let Self::Map(map) = self {
            fields.extend(map.own_jsonata_fields());
        }
        if self.catchers().iter().any(|c| c.output.is_some()) {
            fields.push("Catch.Output");
        }
        if let Self::Choice(choice) = self {
            if choice
                .choices
                .iter()
                .any(|rule| matches!(rule.rule, Rule::Condition(_)))
            {
                fields.push("Choices.Condition");
            }
            if choice.choices.iter().any(|rule| rule.output.is_some()) {
                fields.push("Choices.Output");
            }
        }
        fields
    }
}

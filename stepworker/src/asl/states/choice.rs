//! The Choice state: branch on rules over the input or variables.

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::Value;

use crate::asl::fields::Common;
use crate::asl::setters::state_setters;
use crate::asl::Rule;

/// One entry of `Choices`: a rule and the state to go to when it matches,
/// with the optional `Assign`, `Output` and `Comment` of that branch.
#[derive(Debug, Clone, PartialEq)]
pub struct ChoiceRule {
    pub(crate) rule: Rule,
    pub(crate) next: String,
    pub(crate) comment: Option<String>,
    pub(crate) assign: Option<Value>,
    pub(crate) output: Option<Value>,
}

impl ChoiceRule {
    /// Go to `next` when `rule` matches.
    pub fn when(rule: Rule, next: impl Into<String>) -> Self {
        Self {
            rule,
            next: next.into(),
            comment: None,
            assign: None,
            output: None,
        }
    }

    /// Sets `Comment`.
    pub fn comment(mut self, comment: impl Into<String>) -> Self {
        self.comment = Some(comment.into());
        self
    }

    /// Sets `Assign`: variables to store when this rule matches.
    pub fn assign(mut self, variables: impl Into<Value>) -> Self {
        self.assign = Some(variables.into());
        self
    }

    /// Sets `Output` (JSONata): the state output when this rule matches.
    pub fn output(mut self, output: impl Into<Value>) -> Self {
        self.output = Some(output.into());
        self
    }

    /// The rule tested.
    pub fn rule(&self) -> &Rule {
        &self.rule
    }

    /// The state to go to when the rule matches.
    pub fn target(&self) -> &str {
        &self.next
    }
}

impl Serialize for ChoiceRule {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        self.rule.serialize_fields(&mut map)?;
        map.serialize_entry("Next", &self.next)?;
        if let Some(comment) = &self.comment {
            map.serialize_entry("Comment", comment)?;
        }
        if let Some(assign) = &self.assign {
            map.serialize_entry("Assign", assign)?;
        }
        if let Some(output) = &self.output {
            map.serialize_entry("Output", output)?;
        }
        map.end()
    }
}

/// A `"Type": "Choice"` state: the first matching rule picks the next
/// state, else `Default`, else the execution fails with
/// `States.NoChoiceMatched`.
///
/// ```
/// use stepworker::asl::{Choice, Rule};
///
/// let choice = Choice::new()
///     .when(Rule::string_equals("$.kind", "png"), "Png")
///     .when(Rule::numeric_greater_than("$.size", 1_000_000), "Large")
///     .otherwise("Other");
/// # let _ = choice;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Choice {
    #[serde(flatten)]
    pub(crate) common: Common,
    pub(crate) choices: Vec<ChoiceRule>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) default: Option<String>,
}

impl Choice {
    /// A Choice state with no rules yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a rule: go to `next` when `rule` matches.
    pub fn when(self, rule: Rule, next: impl Into<String>) -> Self {
        self.rule(ChoiceRule::when(rule, next))
    }

    /// Appends a rule with its own `Assign`/`Output`/`Comment`.
    pub fn rule(mut self, rule: ChoiceRule) -> Self {
        self.choices.push(rule);
        self
    }

    /// Sets `Default`: the state to go to when no rule matches.
    pub fn otherwise(mut self, next: impl Into<String>) -> Self {
        self.default = Some(next.into());
        self
    }

    /// The rules, in evaluation order.
    pub fn rules(&self) -> &[ChoiceRule] {
        &self.choices
    }
}

state_setters!(Choice: comment, paths, output, assign);

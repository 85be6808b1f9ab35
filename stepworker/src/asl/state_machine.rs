//! The state machine definition and its builder.

use serde::Serialize;

use super::error::InvalidDefinition;
use super::resource::activity_arn;
use super::validate::validate;
use super::{Branch, QueryLanguage, Resource, State};

/// A validated Amazon States Language definition.
///
/// Build one with [`StateMachine::builder`]; serialize it with
/// [`StateMachine::to_json`] (or serde). Task states of activities carry the
/// activity by name until [`StateMachine::resolve`] (or deploy) gives them
/// their ARNs; see [`Resource`].
///
/// ```
/// use stepworker::asl::{Retry, StateMachine, Succeed, Task};
///
/// let machine = StateMachine::builder()
///     .comment("Resize an image")
///     .start_at("Resize")
///     .state(
///         "Resize",
///         Task::activity_named("resize-image")
///             .retry(Retry::on(["States.Timeout"]).max_attempts(3))
///             .next("Done"),
///     )
///     .state("Done", Succeed::new())
///     .build()?;
/// assert_eq!(machine.activities(), ["resize-image"]);
/// # Ok::<(), stepworker::asl::InvalidDefinition>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StateMachine {
    #[serde(skip_serializing_if = "Option::is_none")]
    comment: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    query_language: Option<QueryLanguage>,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timeout_seconds: Option<u64>,
    #[serde(flatten)]
    root: Branch,
}

impl StateMachine {
    /// Starts a definition.
    pub fn builder() -> StateMachineBuilder {
        StateMachineBuilder::default()
    }

    /// The definition as compact JSON, the form `CreateStateMachine` takes.
    pub fn to_json(&self) -> String {
        // Every field is a string, number, bool or JSON value with string
        // keys, so serializing to a String cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The definition as indented JSON, for people.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The definition as a JSON value.
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    /// The top-level states.
    pub fn states(&self) -> impl Iterator<Item = (&str, &State)> {
        self.root.states()
    }

    /// `StartAt`.
    pub fn start_at(&self) -> &str {
        // `build` refuses a definition without StartAt.
        self.root.start_at.as_deref().unwrap_or_default()
    }

    /// The names of the activities the definition's Task states run, nested
    /// branches included, each once, in definition order: what deploy must
    /// create (`CreateActivity`) before the state machine.
    pub fn activities(&self) -> Vec<&str> {
        self.activity_names(|_| true)
    }

    /// The activities whose ARN is not known yet.
    pub fn unresolved_activities(&self) -> Vec<&str> {
        self.activity_names(|resource| resource.arn().is_none())
    }

    /// The names of the activities whose resource is `wanted`, each once, in
    /// definition order.
    fn activity_names(&self, wanted: impl Fn(&Resource) -> bool) -> Vec<&str> {
        let mut names = Vec::new();
        visit_resources(&self.root, &mut |resource| {
            if let Some(name) = resource.activity_name() {
                if wanted(resource) && !names.contains(&name) {
                    names.push(name);
                }
            }
        });
        names
    }

    /// Gives every Task state of activity `name` the ARN `arn` (e.g. the
    /// one `CreateActivity` returned). Returns how many states changed.
    pub fn resolve_activity(&mut self, name: &str, arn: &str) -> usize {
        let mut changed = 0;
        visit_resources_mut(&mut self.root, &mut |resource| {
            if let Resource::Activity {
                name: activity,
                arn: slot,
            } = resource
            {
                if activity == name {
                    *slot = Some(arn.to_owned());
                    changed += 1;
                }
            }
        });
        changed
    }

    /// Gives every activity Task state the ARN of its activity in `region`
    /// of `account`, e.g. `resolve("eu-west-1", "123456789012")`.
    pub fn resolve(mut self, region: &str, account: &str) -> Self {
        visit_resources_mut(&mut self.root, &mut |resource| {
            if let Resource::Activity { name, arn } = resource {
                *arn = Some(activity_arn(region, account, name));
            }
        });
        self
    }
}

fn visit_resources<'a>(branch: &'a Branch, visit: &mut impl FnMut(&'a Resource)) {
    for (_, state) in &branch.states.0 {
        if let State::Task(task) = state {
            visit(&task.resource);
        }
        for child in state.children() {
            visit_resources(child, visit);
        }
    }
}

fn visit_resources_mut(branch: &mut Branch, visit: &mut impl FnMut(&mut Resource)) {
    for (_, state) in &mut branch.states.0 {
        if let State::Task(task) = state {
            visit(&mut task.resource);
        }
        for child in state.children_mut() {
            visit_resources_mut(child, visit);
        }
    }
}

/// Builds a [`StateMachine`]; [`build`](StateMachineBuilder::build) validates it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StateMachineBuilder {
    comment: Option<String>,
    query_language: Option<QueryLanguage>,
    version: Option<String>,
    timeout_seconds: Option<u64>,
    root: Branch,
}

impl StateMachineBuilder {
    /// Sets the top-level `Comment`.
    pub fn comment(mut self, comment: impl Into<String>) -> Self {
        self.comment = Some(comment.into());
        self
    }

    /// Sets the top-level `QueryLanguage`, the default of every state.
    pub fn query_language(mut self, language: QueryLanguage) -> Self {
        self.query_language = Some(language);
        self
    }

    /// Sets `Version` (ASL version; `"1.0"` is the only one).
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.version = Some(version.into());
        self
    }

    /// Sets the top-level `TimeoutSeconds`: the execution fails with
    /// `States.Timeout` after this long.
    pub fn timeout_seconds(mut self, seconds: u64) -> Self {
        self.timeout_seconds = Some(seconds);
        self
    }

    /// Sets `StartAt`: the first state to run.
    pub fn start_at(mut self, state: impl Into<String>) -> Self {
        self.root = self.root.start_at(state);
        self
    }

    /// Adds state `name`. States keep the order they are added in.
    pub fn state(mut self, name: impl Into<String>, state: impl Into<State>) -> Self {
        self.root = self.root.state(name, state);
        self
    }

    /// Checks the definition (nested branches and item processors
    /// included) and reports every problem found.
    pub fn validate(&self) -> Result<(), InvalidDefinition> {
        let language = self.query_language.unwrap_or(QueryLanguage::JsonPath);
        let errors = validate(&self.root, language);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(InvalidDefinition::new(errors))
        }
    }

    /// Validates and returns the definition.
    pub fn build(self) -> Result<StateMachine, InvalidDefinition> {
        self.validate()?;
        Ok(StateMachine {
            comment: self.comment,
            query_language: self.query_language,
            version: self.version,
            timeout_seconds: self.timeout_seconds,
            root: self.root,
        })
    }
}

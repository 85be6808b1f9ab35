//! Checks a definition the way the service would before creating it, so a
//! broken definition fails in the builder with the state's name instead of
//! at deploy time with a generic `InvalidDefinition`.

use std::collections::{HashSet, VecDeque};

use super::error::{Scope, ValidationError};
use super::error_names::ALL;
use super::{Branch, QueryLanguage, State};

/// ASL's limit on state names, in characters.
const MAX_STATE_NAME_CHARS: usize = 80;
/// The service's limit on activity names, in characters.
const MAX_ACTIVITY_NAME_CHARS: usize = 80;

/// Every problem in the state machine whose top-level states are `root`, in
/// definition order.
pub(crate) fn validate(root: &Branch, language: QueryLanguage) -> Vec<ValidationError> {
    let mut validator = Validator {
        machine_language: language,
        names: HashSet::new(),
        errors: Vec::new(),
    };
    validator.branch(root, Scope::StateMachine);
    validator.errors
}

struct Validator<'a> {
    /// The top-level `QueryLanguage`: states without their own inherit it,
    /// nested ones included.
    machine_language: QueryLanguage,
    /// Every state name seen so far, across all scopes.
    names: HashSet<&'a str>,
    errors: Vec<ValidationError>,
}

impl<'a> Validator<'a> {
    fn report(&mut self, error: ValidationError) {
        self.errors.push(error);
    }

    fn branch(&mut self, branch: &'a Branch, scope: Scope) {
        let states = &branch.states.0;
        if states.is_empty() {
            self.report(ValidationError::NoStates {
                scope: scope.clone(),
            });
        }
        let local: HashSet<&str> = states.iter().map(|(name, _)| name.as_str()).collect();
        let start = match &branch.start_at {
            None => {
                self.report(ValidationError::MissingStartAt {
                    scope: scope.clone(),
                });
                None
            }
            Some(start) if !local.contains(start.as_str()) => {
                self.report(ValidationError::UnknownStartAt {
                    scope: scope.clone(),
                    start_at: start.clone(),
                });
                None
            }
            Some(start) => Some(start.as_str()),
        };
        for (name, state) in states {
            self.name(name, &scope);
            self.state(name, state, &local, &scope);
        }
        // With no valid start every state would be "unreachable": noise on
        // top of the error that matters.
        if let Some(start) = start {
            self.reachability(branch, start, &scope);
        }
        for (name, state) in states {
            self.children(name, state);
        }
    }

    fn name(&mut self, name: &'a str, scope: &Scope) {
        if name.is_empty() {
            self.report(ValidationError::EmptyName {
                scope: scope.clone(),
            });
        }
        let length = name.chars().count();
        if length > MAX_STATE_NAME_CHARS {
            self.report(ValidationError::NameTooLong {
                state: name.to_owned(),
                length,
            });
        }
        if !self.names.insert(name) {
            self.report(ValidationError::DuplicateName {
                state: name.to_owned(),
            });
        }
    }

    fn state(&mut self, name: &str, state: &State, local: &HashSet<&str>, scope: &Scope) {
        if let Some(None) = state.transition() {
            self.report(ValidationError::MissingTransition {
                state: name.to_owned(),
            });
        }
        for target in state.targets() {
            if !local.contains(target.state) {
                self.report(ValidationError::UnknownTarget {
                    state: name.to_owned(),
                    field: target.field,
                    target: target.state.to_owned(),
                    scope: scope.clone(),
                });
            }
        }
        self.error_handling(name, state);
        self.query_language(name, state);
        match state {
            State::Choice(choice) => {
                if choice.choices.is_empty() {
                    self.report(ValidationError::EmptyChoice {
                        state: name.to_owned(),
                    });
                }
                if choice.choices.iter().any(|rule| rule.rule.has_empty_list()) {
                    self.report(ValidationError::EmptyRuleList {
                        state: name.to_owned(),
                    });
                }
            }
            State::Parallel(parallel) if parallel.branches.is_empty() => {
                self.report(ValidationError::NoBranches {
                    state: name.to_owned(),
                });
            }
            State::Task(task) => self.task(name, task),
            _ => {}
        }
    }

    fn task(&mut self, name: &str, task: &super::Task) {
        let timeout = task.timeout_literal();
        let heartbeat = task.heartbeat_literal();
        for (field, value) in [("TimeoutSeconds", timeout), ("HeartbeatSeconds", heartbeat)] {
            if value == Some(0) {
                self.report(ValidationError::ZeroSeconds {
                    state: name.to_owned(),
                    field,
                });
            }
        }
        if let (Some(heartbeat), Some(timeout)) = (heartbeat, timeout) {
            if heartbeat >= timeout && heartbeat > 0 {
                self.report(ValidationError::HeartbeatNotBelowTimeout {
                    state: name.to_owned(),
                    heartbeat,
                    timeout,
                });
            }
        }
        if let Some(activity) = task.resource.activity_name() {
            if !is_valid_activity_name(activity) {
                self.report(ValidationError::InvalidActivityName {
                    state: name.to_owned(),
                    activity: activity.to_owned(),
                });
            }
        }
    }

    fn error_handling(&mut self, name: &str, state: &State) {
        let retriers = state.retriers().iter().map(|r| r.error_equals.as_slice());
        let catchers = state.catchers().iter().map(|c| c.error_equals.as_slice());
        self.error_lists(name, "Retry", retriers.collect());
        self.error_lists(name, "Catch", catchers.collect());
    }

    fn error_lists(&mut self, name: &str, field: &'static str, lists: Vec<&[String]>) {
        let last = lists.len().saturating_sub(1);
        for (i, errors) in lists.iter().enumerate() {
            if errors.is_empty() {
                self.report(ValidationError::EmptyErrorEquals {
                    state: name.to_owned(),
                    field,
                });
            }
            let has_all = errors.iter().any(|e| e == ALL);
            if has_all && (errors.len() > 1 || i != last) {
                self.report(ValidationError::MisplacedStatesAll {
                    state: name.to_owned(),
                    field,
                });
            }
        }
    }

    fn query_language(&mut self, name: &str, state: &State) {
        let own = state.common().query_language;
        if self.machine_language == QueryLanguage::Jsonata && own == Some(QueryLanguage::JsonPath) {
            self.report(ValidationError::JsonPathInJsonataMachine {
                state: name.to_owned(),
            });
        }
        let language = own.unwrap_or(self.machine_language);
        let not_allowed = match language {
            QueryLanguage::JsonPath => state.jsonata_fields(),
            QueryLanguage::Jsonata => state.json_path_fields(),
        };
        for field in not_allowed {
            self.report(ValidationError::FieldNotAllowed {
                state: name.to_owned(),
                field,
                query_language: language,
            });
        }
    }

    fn reachability(&mut self, branch: &Branch, start: &str, scope: &Scope) {
        let mut reached: HashSet<&str> = HashSet::from([start]);
        let mut queue = VecDeque::from([start]);
        while let Some(current) = queue.pop_front() {
            let Some((_, state)) = branch.states.0.iter().find(|(n, _)| n == current) else {
                continue;
            };
            for target in state.targets() {
                if reached.insert(target.state) {
                    queue.push_back(target.state);
                }
            }
        }
        for (name, _) in &branch.states.0 {
            if !reached.contains(name.as_str()) {
                self.report(ValidationError::Unreachable {
                    state: name.clone(),
                    scope: scope.clone(),
                });
            }
        }
    }

    fn children(&mut self, name: &str, state: &'a State) {
        match state {
            State::Parallel(parallel) => {
                for (index, branch) in parallel.branches.iter().enumerate() {
                    let scope = Scope::Branch {
                        parallel: name.to_owned(),
                        index,
                    };
                    self.branch(branch, scope);
                }
            }
            State::Map(map) => {
                let scope = Scope::ItemProcessor {
                    map: name.to_owned(),
                };
                self.branch(&map.item_processor.branch, scope);
            }
            _ => {}
        }
    }
}

/// Whether `name` is a valid activity name: 1-80 of `[A-Za-z0-9_-]`.
fn is_valid_activity_name(name: &str) -> bool {
    (1..=MAX_ACTIVITY_NAME_CHARS).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

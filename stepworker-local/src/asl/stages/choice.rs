//! Choosing the next state in either language.

use serde_json::Value;

use super::env;
use crate::asl::definition::{ChoiceRule, Condition, State, StateKind};
use crate::asl::jsonpath::choice::{choose_rule, no_match};
use crate::asl::path::Scope;
use crate::asl::states_error::StatesError;

/// The next state and the rule that matched (`None` for `Default`).
/// A JSONata `Condition` must give a boolean, else
/// `States.QueryEvaluationError`.
pub fn choose<'s>(
    state: &'s State,
    raw: &Value,
    scope: Scope<'_>,
) -> Result<(&'s str, Option<&'s ChoiceRule>), StatesError> {
    if !state.is_jsonata() {
        return choose_rule(state, raw, &scope);
    }
    let StateKind::Choice(spec) = &state.kind else {
        return Err(StatesError::runtime("Not a Choice state."));
    };
    let env = env(raw, None, None, scope);
    for rule in &spec.choices {
        let Condition::Jsonata(condition) = &rule.condition else {
            continue;
        };
        match env.value(condition, "Condition")? {
            Value::Bool(true) => return Ok((&rule.next, Some(rule))),
            Value::Bool(false) => {}
            other => return Err(env.wrong_type(condition, "Condition", "a boolean", &other)),
        }
    }
    no_match(state).map(|next| (next, None))
}

//! The states that end at once: Pass, Choice, Succeed and Fail.

use std::borrow::Cow;

use serde_json::Value;

use crate::asl::{self, State, StateKind, StatesError};
use crate::execution::history::ErrorCause;
use crate::execution::runner::{follow, Runner, Transition};

impl Runner {
    /// States that do not wait: Pass, Choice, Succeed, Fail.
    ///
    /// Takes the raw input by value: a JSONPath `ResultPath` writes into
    /// it rather than into a copy.
    pub(crate) fn run_instant<'d>(&mut self, state: &'d State, raw: Value) -> Transition<'d> {
        let result = self.instant(state, raw);
        result.unwrap_or_else(|e| Transition::Fail(self.runtime_cause(state, e)))
    }

    fn instant<'d>(&mut self, state: &'d State, raw: Value) -> Result<Transition<'d>, StatesError> {
        let scope = self.scope();
        let (next, finished) = match &state.kind {
            StateKind::Pass { .. } => {
                let result = asl::pass_result(state, &raw, scope)?;
                let finished = asl::finish_state(
                    state,
                    Cow::Owned(raw),
                    result,
                    state.output.as_ref(),
                    state.assign.as_ref(),
                    scope,
                )?;
                (None, finished)
            }
            StateKind::Choice(_) => {
                let (next, rule) = asl::choose(state, &raw, scope)?;
                // AWS: a matched rule's Output/Assign apply; the state's own
                // apply when the Default is taken.
                let (output, assign) = match rule {
                    Some(rule) => (rule.output.as_ref(), rule.assign.as_ref()),
                    None => (state.output.as_ref(), state.assign.as_ref()),
                };
                let finished =
                    asl::finish_state(state, Cow::Owned(raw), None, output, assign, scope)?;
                (Some(next), finished)
            }
            StateKind::Succeed => {
                let finished = asl::finish_state(
                    state,
                    Cow::Owned(raw),
                    None,
                    state.output.as_ref(),
                    None,
                    scope,
                )?;
                let output = self.apply_finished(finished)?;
                return Ok(Transition::Succeed(output));
            }
            StateKind::Fail(_) => {
                let (error, cause) = asl::fail_error_cause(state, &raw, scope)?;
                return Ok(Transition::Fail(ErrorCause { error, cause }));
            }
            other => {
                return Err(StatesError::runtime(format!(
                    "{} states are not supported by stepworker-local yet.",
                    other.type_name()
                )))
            }
        };
        let output = self.apply_finished(finished)?;
        Ok(match next {
            Some(next) => Transition::Next(next, output),
            None => follow(state, output),
        })
    }
}

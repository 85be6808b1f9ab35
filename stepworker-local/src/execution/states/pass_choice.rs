//! The states that end at once: Pass, Choice, Succeed and Fail.

use serde_json::Value;

use crate::asl::{self, State, StateKind, StatesError};
use crate::execution::history::ErrorCause;
use crate::execution::runner::{follow, Runner, Transition};

impl Runner {
    /// States that do not wait: Pass, Choice, Succeed, Fail.
    ///
    /// Takes the raw input by value: a Pass state's `ResultPath` writes
    /// into it rather than into a copy.
    pub(crate) fn run_instant<'d>(&mut self, state: &'d State, raw: Value) -> Transition<'d> {
        if state.is_jsonata() || state.assign.is_some() || has_rule_assign(state) {
            return self.run_instant_with_variables(state, raw);
        }
        let scope = self.scope();
        let ctx = &scope;
        let result = match &state.kind {
            StateKind::Pass { .. } => asl::pass_result(state, &raw, ctx)
                .and_then(|result| asl::state_output_owned(state, raw, result, ctx))
                .map(|output| follow(state, output)),
            StateKind::Choice(_) => asl::choose_next(state, &raw, ctx).and_then(|next| {
                let output = asl::passthrough_output(state, raw, ctx)?;
                Ok(Transition::Next(next, output))
            }),
            StateKind::Succeed => asl::passthrough_output(state, raw, ctx).map(Transition::Succeed),
            StateKind::Fail(_) => asl::fail_error_cause(state, &raw, ctx)
                .map(|(error, cause)| Transition::Fail(ErrorCause { error, cause })),
            other => Err(StatesError::runtime(format!(
                "{} states are not supported by stepworker-local yet.",
                other.type_name()
            ))),
        };
        result.unwrap_or_else(|e| Transition::Fail(self.runtime_cause(state, e)))
    }

    /// Pass, Choice, Succeed and Fail states that use JSONata or assign
    /// variables: the general (slower) path.
    fn run_instant_with_variables<'d>(&mut self, state: &'d State, raw: Value) -> Transition<'d> {
        let result = self.instant_with_variables(state, raw);
        result.unwrap_or_else(|e| Transition::Fail(self.runtime_cause(state, e)))
    }

    fn instant_with_variables<'d>(
        &mut self,
        state: &'d State,
        raw: Value,
    ) -> Result<Transition<'d>, StatesError> {
        let scope = self.scope();
        let finished = match &state.kind {
            StateKind::Pass { .. } => {
                let result = if state.is_jsonata() {
                    None
                } else {
                    Some(asl::pass_result(state, &raw, &scope)?)
                };
                let finished = asl::finish_state(
                    state,
                    raw,
                    result,
                    state.output.as_ref(),
                    state.assign.as_ref(),
                    scope,
                )?;
                (None, finished)
            }
            StateKind::Choice(_) => {
                let (next, rule) = asl::choose_any(state, &raw, scope)?;
                // AWS: a matched rule's Output/Assign apply; the state's own
                // apply when the Default is taken.
                let (output, assign) = match rule {
                    Some(rule) => (rule.output.as_ref(), rule.assign.as_ref()),
                    None => (state.output.as_ref(), state.assign.as_ref()),
                };
                let finished = asl::finish_state(state, raw, None, output, assign, scope)?;
                (Some(next), finished)
            }
            StateKind::Succeed => {
                let finished =
                    asl::finish_state(state, raw, None, state.output.as_ref(), None, scope)?;
                let output = self.apply_finished(finished)?;
                return Ok(Transition::Succeed(output));
            }
            StateKind::Fail(_) => {
                let (error, cause) = asl::fail_any(state, &raw, scope)?;
                return Ok(Transition::Fail(ErrorCause { error, cause }));
            }
            other => {
                return Err(StatesError::runtime(format!(
                    "{} states are not supported by stepworker-local yet.",
                    other.type_name()
                )))
            }
        };
        let (next, finished) = finished;
        let output = self.apply_finished(finished)?;
        Ok(match next {
            Some(next) => Transition::Next(next, output),
            None => follow(state, output),
        })
    }
}

/// True when a rule of a Choice state assigns variables.
fn has_rule_assign(state: &State) -> bool {
    match &state.kind {
        StateKind::Choice(choice) => choice.choices.iter().any(|r| r.assign.is_some()),
        _ => false,
    }
}

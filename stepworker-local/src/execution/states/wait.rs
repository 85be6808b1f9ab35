//! Wait states, which only sleep on the engine clock.

use std::borrow::Cow;

use serde_json::Value;

use crate::asl::{self, State};
use crate::execution::runner::{follow, Runner, Transition};

impl Runner {
    /// A Wait state: sleeps on the engine clock.
    pub(crate) async fn run_wait<'d>(&mut self, state: &'d State, raw: &Value) -> Transition<'d> {
        let planned = asl::wait_until(state, raw, self.now(), self.scope()).and_then(|until| {
            let finished = asl::finish_state(
                state,
                Cow::Borrowed(raw),
                None,
                state.output.as_ref(),
                state.assign.as_ref(),
                self.scope(),
            )?;
            Ok((until, finished))
        });
        let (until, finished) = match planned {
            Ok(planned) => planned,
            Err(e) => return Transition::Fail(self.runtime_cause(state, e)),
        };
        // Assigned on exit: nothing reads the variables while it waits.
        let output = match self.apply_finished(finished) {
            Ok(output) => output,
            Err(e) => return Transition::Fail(self.runtime_cause(state, e)),
        };
        if !self.sleep_until(until).await {
            return Transition::Halt;
        }
        follow(state, output)
    }
}

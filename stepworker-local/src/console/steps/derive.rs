//! From an execution history to its step list and state statuses.
//!
//! Events are attributed to state visits the way AWS links them: an
//! event's `previousEventId` names the event it follows, so an
//! `ActivityFailed` belongs to the visit its chain started in, even while
//! Parallel branches interleave. When the chain is missing, the most
//! recent open visit is used.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use stepworker::model::HistoryEvent;

use super::events::{attempt_succeeded, container_type, execution_end, failure, schedules_attempt};
use super::record::{ExecutionSteps, Outcome, Step, StepStatus, Transition};

/// Derives the step list, each state's status, the transitions taken and
/// the outcome from `events` (oldest first, as `GetExecutionHistory`
/// returns them by default).
pub fn derive_steps(events: &[HistoryEvent]) -> ExecutionSteps {
    let mut walk = Walk::default();
    for event in events {
        walk.apply(event);
    }
    walk.finish()
}

#[derive(Default)]
struct Walk {
    steps: Vec<Step>,
    /// Per step: its last attempt failed and nothing recovered it yet.
    failing: Vec<bool>,
    /// Which step each event was attributed to.
    owner: HashMap<i64, usize>,
    transitions: BTreeSet<Transition>,
    outcome: Option<Outcome>,
}

impl Walk {
    fn apply(&mut self, event: &HistoryEvent) {
        if let Some(entered) = &event.state_entered_event_details {
            self.enter(event, &entered.name, entered.input.clone());
        } else if let Some(exited) = &event.state_exited_event_details {
            if let Some(step) = self.latest_open(|s| s.name == exited.name) {
                self.owner.insert(event.id, step);
                let output = exited.output.clone();
                self.close(step, event, None);
                self.steps[step].output = output;
                self.steps[step].assigned_variables = exited.assigned_variables.clone();
            }
        } else if let Some((status, error, cause)) = execution_end(event) {
            self.end_execution(event, status, error, cause);
        } else if let Some(step) = self.owner_of(event) {
            self.owner.insert(event.id, step);
            self.attempt_event(step, event);
        }
    }

    fn enter(&mut self, event: &HistoryEvent, name: &str, input: Option<String>) {
        let previous = event
            .previous_event_id
            .and_then(|id| self.owner.get(&id).copied());
        let mut parent = None;
        if let Some(prev) = previous {
            let prev_step = &self.steps[prev];
            if prev_step.status == StepStatus::Running && is_container(prev_step) {
                // The first state of a branch or an iteration.
                parent = Some(prev);
            } else {
                parent = prev_step.parent;
                if prev_step.status == StepStatus::Running && self.failing[prev] {
                    // Entered from a failing visit: a Catch rule fired
                    // (some writers leave no Exited event for it).
                    self.close(prev, event, Some(StepStatus::Caught));
                }
                self.transitions.insert(Transition {
                    from: self.steps[prev].name.clone(),
                    to: name.to_owned(),
                });
            }
        }
        let state_type = event
            .r#type
            .as_str()
            .strip_suffix("StateEntered")
            .unwrap_or("")
            .to_owned();
        self.steps.push(Step {
            name: name.to_owned(),
            state_type,
            entered_event_id: event.id,
            parent,
            entered_at: event.timestamp,
            exited_at: None,
            duration_millis: None,
            input,
            output: None,
            assigned_variables: None,
            error: None,
            cause: None,
            attempts: 0,
            retries: 0,
            status: StepStatus::Running,
        });
        self.failing.push(false);
        self.owner.insert(event.id, self.steps.len() - 1);
    }

    /// The open visit an attempt or bookkeeping event belongs to.
    fn owner_of(&self, event: &HistoryEvent) -> Option<usize> {
        let chained = event
            .previous_event_id
            .and_then(|id| self.owner.get(&id).copied())
            .filter(|&s| self.steps[s].status == StepStatus::Running);
        match container_type(event) {
            // Bookkeeping of a Parallel or Map state: its own visit, which
            // may be an ancestor of the visit the chain points into.
            Some(kind) => {
                let mut at = chained;
                while let Some(step) = at {
                    if self.steps[step].state_type == kind {
                        return Some(step);
                    }
                    at = self.steps[step].parent;
                }
                self.latest_open(|s| s.state_type == kind)
            }
            None => chained.or_else(|| self.latest_open(|_| true)),
        }
    }

    fn attempt_event(&mut self, step: usize, event: &HistoryEvent) {
        if schedules_attempt(event) {
            let s = &mut self.steps[step];
            s.attempts += 1;
            s.retries = s.attempts.saturating_sub(1);
            self.failing[step] = false;
        } else if attempt_succeeded(event) {
            self.failing[step] = false;
        }
        if let Some((error, cause)) = failure(event) {
            let (error, cause) = match (error, cause) {
                // A Parallel or Map fails with the error of what failed inside.
                (None, None) => self.inner_failure(step).unwrap_or((None, None)),
                known => known,
            };
            let s = &mut self.steps[step];
            s.error = error;
            s.cause = cause;
            self.failing[step] = true;
            if is_container(&self.steps[step]) {
                self.close_inside(step, event);
            }
        }
        if event.r#type.as_str().ends_with("StateAborted") {
            self.close(step, event, Some(StepStatus::Aborted));
        }
    }

    /// Error and cause of the latest failing visit inside `container`.
    fn inner_failure(&self, container: usize) -> Option<(Option<String>, Option<String>)> {
        (0..self.steps.len())
            .rev()
            .filter(|&s| self.failing[s] && self.is_inside(s, container))
            .map(|s| (self.steps[s].error.clone(), self.steps[s].cause.clone()))
            .next()
    }

    /// Closes the visits still open inside a failed Parallel or Map: the
    /// failing ones failed, the others were stopped by the failure.
    fn close_inside(&mut self, container: usize, event: &HistoryEvent) {
        for step in 0..self.steps.len() {
            if self.steps[step].status == StepStatus::Running && self.is_inside(step, container) {
                let status = if self.failing[step] || self.steps[step].state_type == "Fail" {
                    StepStatus::Failed
                } else {
                    StepStatus::Aborted
                };
                self.close(step, event, Some(status));
            }
        }
    }

    fn end_execution(
        &mut self,
        event: &HistoryEvent,
        status: &str,
        error: Option<String>,
        cause: Option<String>,
    ) {
        self.outcome = Some(Outcome {
            status: status.to_owned(),
            error: error.clone(),
            cause: cause.clone(),
        });
        let open: Vec<usize> = (0..self.steps.len())
            .filter(|&s| self.steps[s].status == StepStatus::Running)
            .collect();
        if status == "FAILED" {
            let mut failed: Vec<usize> =
                open.iter().copied().filter(|&s| self.failing[s]).collect();
            if failed.is_empty() {
                // Nothing recorded a failure: the failure happened in the
                // latest state itself (a Fail state, a runtime error).
                if let Some(&latest) = open.last() {
                    let s = &mut self.steps[latest];
                    s.error = s.error.take().or(error);
                    s.cause = s.cause.take().or(cause);
                    failed.push(latest);
                }
            }
            for step in failed {
                let mut at = Some(step);
                while let Some(s) = at {
                    if self.steps[s].status == StepStatus::Running {
                        self.close(s, event, Some(StepStatus::Failed));
                    }
                    at = self.steps[s].parent;
                }
            }
        }
        let fallback = if status == "SUCCEEDED" {
            None
        } else {
            Some(StepStatus::Aborted)
        };
        for step in open {
            if self.steps[step].status == StepStatus::Running {
                self.close(step, event, fallback);
            }
        }
    }

    /// Ends a visit at `event`; without an explicit status it succeeded,
    /// was retried or was caught, by what its attempts did.
    fn close(&mut self, step: usize, event: &HistoryEvent, status: Option<StepStatus>) {
        let failing = self.failing[step];
        let s = &mut self.steps[step];
        s.status = status.unwrap_or(if failing {
            StepStatus::Caught
        } else if s.retries > 0 {
            StepStatus::Retried
        } else {
            StepStatus::Succeeded
        });
        s.exited_at = Some(event.timestamp);
        s.duration_millis =
            Some((event.timestamp.epoch_millis() - s.entered_at.epoch_millis()).max(0));
    }

    fn latest_open(&self, wanted: impl Fn(&Step) -> bool) -> Option<usize> {
        (0..self.steps.len())
            .rev()
            .find(|&s| self.steps[s].status == StepStatus::Running && wanted(&self.steps[s]))
    }

    fn is_inside(&self, step: usize, container: usize) -> bool {
        let mut at = self.steps[step].parent;
        while let Some(s) = at {
            if s == container {
                return true;
            }
            at = self.steps[s].parent;
        }
        false
    }

    fn finish(self) -> ExecutionSteps {
        let mut states: BTreeMap<String, StepStatus> = BTreeMap::new();
        for step in &self.steps {
            let status = states.entry(step.name.clone()).or_insert(step.status);
            *status = (*status).max(step.status);
        }
        ExecutionSteps {
            steps: self.steps,
            states,
            transitions: self.transitions.into_iter().collect(),
            outcome: self.outcome,
        }
    }
}

fn is_container(step: &Step) -> bool {
    matches!(step.state_type.as_str(), "Parallel" | "Map")
}

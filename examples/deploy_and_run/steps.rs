//! Turns an execution history into the steps a reader cares about: which
//! state ran, what happened there, and how long it took.

use stepworker::model::{HistoryEvent, HistoryEventType};

/// One visit of one state.
pub struct Step {
    pub state: String,
    pub happened: String,
    pub millis: i64,
}

/// A state entered and not yet left, with what happened inside it so far.
struct Visit {
    state: String,
    kind: HistoryEventType,
    entered_ms: i64,
    activity: Option<String>,
    attempts: u32,
    retried: Vec<String>,
    failure: Option<String>,
}

impl Visit {
    /// The step this visit was, once the state is left at `left_ms`, either
    /// for another state or because the execution ended there.
    fn close(self, left_ms: i64, execution_ended: bool) -> Step {
        let happened = match (&self.activity, &self.failure) {
            (Some(activity), Some(error)) if execution_ended => {
                format!("{activity} failed ({error})")
            }
            // The state was left after a failure: a catcher took it.
            (Some(activity), Some(error)) => format!("{activity} failed ({error}), caught"),
            (Some(activity), None) if self.retried.is_empty() => format!("{activity} succeeded"),
            (Some(activity), None) => format!(
                "{activity} succeeded on attempt {} after {}",
                self.attempts,
                self.retried.join(", ")
            ),
            (None, _) => match self.kind {
                HistoryEventType::PassStateEntered => "passed".to_owned(),
                HistoryEventType::ChoiceStateEntered => "chose the next state".to_owned(),
                HistoryEventType::WaitStateEntered => "waited".to_owned(),
                HistoryEventType::FailStateEntered => "failed the execution".to_owned(),
                _ => "done".to_owned(),
            },
        };
        Step {
            state: self.state,
            happened,
            millis: left_ms - self.entered_ms,
        }
    }
}

/// The steps of a history, oldest first.
pub fn steps(history: &[HistoryEvent]) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut open: Option<Visit> = None;
    for event in history {
        let at = event.timestamp.epoch_millis();
        if let Some(entered) = &event.state_entered_event_details {
            steps.extend(open.take().map(|visit| visit.close(at, false)));
            open = Some(Visit {
                state: entered.name.clone(),
                kind: event.r#type.clone(),
                entered_ms: at,
                activity: None,
                attempts: 0,
                retried: Vec::new(),
                failure: None,
            });
        } else if event.state_exited_event_details.is_some() {
            steps.extend(open.take().map(|visit| visit.close(at, false)));
        } else if let Some(visit) = open.as_mut() {
            record(visit, event);
        }
        if is_execution_end(&event.r#type) {
            steps.extend(open.take().map(|visit| visit.close(at, true)));
        }
    }
    steps
}

/// Notes an activity event of the state being visited.
fn record(visit: &mut Visit, event: &HistoryEvent) {
    if let Some(scheduled) = &event.activity_scheduled_event_details {
        // The resource is the activity ARN; its last segment is the name.
        let name = scheduled.resource.rsplit(':').next().unwrap_or_default();
        visit.activity = Some(name.to_owned());
        visit.attempts += 1;
        visit.retried.extend(visit.failure.take());
    } else if let Some(failed) = &event.activity_failed_event_details {
        visit.failure = Some(failed.error.clone().unwrap_or_else(|| "an error".into()));
    } else if event.activity_timed_out_event_details.is_some() {
        visit.failure = Some("States.Timeout".into());
    }
}

fn is_execution_end(kind: &HistoryEventType) -> bool {
    matches!(
        kind,
        HistoryEventType::ExecutionSucceeded
            | HistoryEventType::ExecutionFailed
            | HistoryEventType::ExecutionAborted
            | HistoryEventType::ExecutionTimedOut
    )
}

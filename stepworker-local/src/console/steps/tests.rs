//! The step list and state statuses derived from hand-built histories,
//! written the way AWS writes them.

use super::derive_steps;
use super::record::{StepStatus, Transition};
use stepworker::model::*;

/// Builds a history: ids from 1, each event following the previous one,
/// one second apart.
#[derive(Default)]
struct History(Vec<HistoryEvent>);

impl History {
    fn push(&mut self, kind: &str, fill: impl FnOnce(&mut HistoryEvent)) -> i64 {
        let id = self.0.len() as i64 + 1;
        let mut event = HistoryEvent {
            id,
            previous_event_id: Some(id - 1),
            timestamp: Timestamp::from_epoch_millis(1_700_000_000_000 + id * 1000),
            r#type: HistoryEventType::from(kind),
            ..HistoryEvent::default()
        };
        fill(&mut event);
        self.0.push(event);
        id
    }

    fn follows(&mut self, previous: i64, kind: &str, fill: impl FnOnce(&mut HistoryEvent)) {
        self.push(kind, |e| {
            e.previous_event_id = Some(previous);
            fill(e);
        });
    }

    fn started(&mut self) {
        self.push("ExecutionStarted", |e| {
            e.execution_started_event_details = Some(ExecutionStartedEventDetails {
                input: Some("{}".into()),
                ..Default::default()
            })
        });
    }

    fn entered(&mut self, state_type: &str, name: &str, input: &str) -> i64 {
        self.push(&format!("{state_type}StateEntered"), |e| {
            e.state_entered_event_details = Some(StateEnteredEventDetails {
                name: name.into(),
                input: Some(input.into()),
                ..Default::default()
            })
        })
    }

    fn exited(&mut self, state_type: &str, name: &str, output: &str) -> i64 {
        self.push(&format!("{state_type}StateExited"), |e| {
            e.state_exited_event_details = Some(StateExitedEventDetails {
                name: name.into(),
                output: Some(output.into()),
                ..Default::default()
            })
        })
    }

    fn activity_failed(&mut self, error: &str, cause: &str) -> i64 {
        self.push("ActivityScheduled", |e| {
            e.activity_scheduled_event_details = Some(ActivityScheduledEventDetails {
                resource: "arn:aws:states:us-east-1:123456789012:activity:work".into(),
                ..Default::default()
            })
        });
        self.push("ActivityStarted", |_| {});
        self.push("ActivityFailed", |e| {
            e.activity_failed_event_details = Some(ActivityFailedEventDetails {
                error: Some(error.into()),
                cause: Some(cause.into()),
            })
        })
    }

    fn activity_succeeded(&mut self, output: &str) -> i64 {
        self.push("ActivityScheduled", |_| {});
        self.push("ActivityStarted", |_| {});
        self.push("ActivitySucceeded", |e| {
            e.activity_succeeded_event_details = Some(ActivitySucceededEventDetails {
                output: Some(output.into()),
                ..Default::default()
            })
        })
    }
}

#[test]
fn a_caught_failure_marks_the_task_caught_and_the_handler_succeeded() {
    let mut h = History::default();
    h.started();
    h.entered("Task", "Charge", r#"{"amount":5}"#);
    h.activity_failed("Card.Declined", "insufficient funds");
    h.exited("Task", "Charge", r#"{"Error":"Card.Declined"}"#);
    h.entered("Pass", "Apologise", r#"{"Error":"Card.Declined"}"#);
    h.exited("Pass", "Apologise", r#"{"sorry":true}"#);
    h.push("ExecutionSucceeded", |_| {});

    let result = derive_steps(&h.0);
    assert_eq!(result.states["Charge"], StepStatus::Caught);
    assert_eq!(result.states["Apologise"], StepStatus::Succeeded);
    assert_eq!(result.steps.len(), 2);
    let charge = &result.steps[0];
    assert_eq!(charge.name, "Charge");
    assert_eq!(charge.state_type, "Task");
    assert_eq!(charge.error.as_deref(), Some("Card.Declined"));
    assert_eq!(charge.cause.as_deref(), Some("insufficient funds"));
    assert_eq!(charge.input.as_deref(), Some(r#"{"amount":5}"#));
    assert_eq!(
        charge.output.as_deref(),
        Some(r#"{"Error":"Card.Declined"}"#)
    );
    assert_eq!((charge.attempts, charge.retries), (1, 0));
    // Entered at event 2, exited at event 6: four seconds.
    assert_eq!(charge.duration_millis, Some(4000));
    assert_eq!(
        result.transitions,
        [Transition {
            from: "Charge".into(),
            to: "Apologise".into()
        }]
    );
    assert_eq!(
        result.outcome.as_ref().map(|o| o.status.as_str()),
        Some("SUCCEEDED")
    );
}

#[test]
fn a_catch_without_an_exited_event_is_still_caught() {
    let mut h = History::default();
    h.started();
    h.entered("Task", "Charge", "{}");
    h.activity_failed("States.Timeout", "");
    h.entered("Pass", "Recover", "{}");
    let result = derive_steps(&h.0);
    assert_eq!(result.states["Charge"], StepStatus::Caught);
    assert_eq!(result.states["Recover"], StepStatus::Running);
    assert!(result.outcome.is_none(), "still running");
}

#[test]
fn retries_are_counted_and_a_later_success_shows_as_retried() {
    let mut h = History::default();
    h.started();
    h.entered("Task", "Flaky", "{}");
    h.activity_failed("Net.Blip", "connection reset");
    h.activity_failed("Net.Blip", "connection reset again");
    h.activity_succeeded(r#"{"ok":true}"#);
    h.exited("Task", "Flaky", r#"{"ok":true}"#);
    h.push("ExecutionSucceeded", |_| {});
    let result = derive_steps(&h.0);
    let flaky = &result.steps[0];
    assert_eq!((flaky.attempts, flaky.retries), (3, 2));
    assert_eq!(flaky.status, StepStatus::Retried);
    assert_eq!(flaky.cause.as_deref(), Some("connection reset again"));
    assert_eq!(flaky.output.as_deref(), Some(r#"{"ok":true}"#));
}

#[test]
fn an_uncaught_failure_fails_the_state_and_the_execution() {
    let mut h = History::default();
    h.started();
    h.entered("Pass", "Prepare", "{}");
    h.exited("Pass", "Prepare", "{}");
    h.entered("Task", "Work", "{}");
    h.activity_failed("Boom", "it broke");
    h.push("ExecutionFailed", |e| {
        e.execution_failed_event_details = Some(ExecutionFailedEventDetails {
            error: Some("Boom".into()),
            cause: Some("it broke".into()),
        })
    });
    let result = derive_steps(&h.0);
    assert_eq!(result.states["Prepare"], StepStatus::Succeeded);
    assert_eq!(result.states["Work"], StepStatus::Failed);
    let work = &result.steps[1];
    assert_eq!(work.error.as_deref(), Some("Boom"));
    assert!(work.exited_at.is_some());
    let outcome = result.outcome.expect("ended");
    assert_eq!(
        (outcome.status.as_str(), outcome.error.as_deref()),
        ("FAILED", Some("Boom"))
    );
}

#[test]
fn a_fail_state_takes_the_execution_error() {
    let mut h = History::default();
    h.started();
    h.entered("Fail", "Reject", "{}");
    h.push("ExecutionFailed", |e| {
        e.execution_failed_event_details = Some(ExecutionFailedEventDetails {
            error: Some("Rejected".into()),
            cause: Some("not allowed".into()),
        })
    });
    let result = derive_steps(&h.0);
    let reject = &result.steps[0];
    assert_eq!(reject.status, StepStatus::Failed);
    assert_eq!(reject.error.as_deref(), Some("Rejected"));
    assert_eq!(reject.cause.as_deref(), Some("not allowed"));
}

#[test]
fn stopping_aborts_the_running_state_and_running_states_show_running() {
    let mut h = History::default();
    h.started();
    h.entered("Task", "Slow", "{}");
    h.push("ActivityScheduled", |_| {});
    let running = derive_steps(&h.0);
    assert_eq!(running.states["Slow"], StepStatus::Running);
    assert_eq!(running.steps[0].duration_millis, None);
    h.push("ExecutionAborted", |e| {
        e.execution_aborted_event_details = Some(ExecutionAbortedEventDetails {
            error: Some("Console.Stopped".into()),
            cause: None,
        })
    });
    let stopped = derive_steps(&h.0);
    assert_eq!(stopped.states["Slow"], StepStatus::Aborted);
    assert_eq!(
        stopped.outcome.map(|o| o.status),
        Some("ABORTED".to_owned())
    );
}

#[test]
fn parallel_branches_nest_under_their_state_even_when_interleaved() {
    let mut h = History::default();
    h.started();
    let parallel = h.entered("Parallel", "Both", "{}");
    let started = h.push("ParallelStateStarted", |_| {});
    // Two branches start from the Parallel state and interleave.
    let mut a = 0;
    h.follows(started, "TaskStateEntered", |e| {
        a = e.id;
        e.state_entered_event_details = Some(StateEnteredEventDetails {
            name: "Left".into(),
            ..Default::default()
        })
    });
    let mut b = 0;
    h.follows(started, "PassStateEntered", |e| {
        b = e.id;
        e.state_entered_event_details = Some(StateEnteredEventDetails {
            name: "Right".into(),
            ..Default::default()
        })
    });
    h.follows(b, "PassStateExited", |e| {
        e.state_exited_event_details = Some(StateExitedEventDetails {
            name: "Right".into(),
            ..Default::default()
        })
    });
    // The left branch's task fails: its chain leads back to "Left".
    h.follows(a, "ActivityScheduled", |_| {});
    let scheduled = h.0.len() as i64;
    h.follows(scheduled, "ActivityFailed", |e| {
        e.activity_failed_event_details = Some(ActivityFailedEventDetails {
            error: Some("Left.Broke".into()),
            cause: Some("left side".into()),
        })
    });
    h.push("ParallelStateFailed", |_| {});
    h.push("ExecutionFailed", |e| {
        e.execution_failed_event_details = Some(ExecutionFailedEventDetails {
            error: Some("Left.Broke".into()),
            cause: Some("left side".into()),
        })
    });
    let result = derive_steps(&h.0);
    let both = result
        .steps
        .iter()
        .position(|s| s.name == "Both")
        .expect("Both");
    assert_eq!(result.steps[both].entered_event_id, parallel);
    for name in ["Left", "Right"] {
        let step = result.steps.iter().find(|s| s.name == name).expect(name);
        assert_eq!(step.parent, Some(both), "{name} runs inside Both");
    }
    assert_eq!(result.states["Left"], StepStatus::Failed);
    assert_eq!(result.states["Right"], StepStatus::Succeeded);
    assert_eq!(result.states["Both"], StepStatus::Failed);
    assert_eq!(result.steps[both].error.as_deref(), Some("Left.Broke"));
    assert!(
        result.transitions.is_empty(),
        "entering a branch is not a transition: {:?}",
        result.transitions
    );
}

#[test]
fn the_variables_a_state_assigned_reach_its_step() {
    let mut h = History::default();
    h.started();
    h.entered("Pass", "Remember", "{}");
    h.push("PassStateExited", |e| {
        e.state_exited_event_details = Some(StateExitedEventDetails {
            name: "Remember".into(),
            output: Some("{}".into()),
            assigned_variables: Some(
                [("customer".to_owned(), r#""ada""#.to_owned())]
                    .into_iter()
                    .collect(),
            ),
            ..Default::default()
        })
    });
    h.entered("Pass", "Next", "{}");
    h.exited("Pass", "Next", "{}");
    let result = derive_steps(&h.0);
    let assigned = result.steps[0]
        .assigned_variables
        .as_ref()
        .expect("the assignment is kept");
    assert_eq!(assigned["customer"], r#""ada""#);
    assert_eq!(result.steps[1].assigned_variables, None);
}

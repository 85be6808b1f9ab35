//! A runner belongs to one run of its execution: once that run is over,
//! even if a redrive started the next, it writes and ends nothing. The HTTP
//! race suite found a stale Parallel parent that succeeded a redriven
//! execution with the null outputs of its cancelled branches.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use stepworker::model::{ExecutionStatus, StateMachineType, Timestamp};

use super::history::{ErrorCause, EventKind};
use super::record::{Execution, Outcome};
use crate::asl::parse_definition;
use crate::store::MachineVersion;

fn execution() -> Execution {
    let definition = r#"{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}"#;
    let version = MachineVersion {
        definition_text: definition.to_owned(),
        definition: Arc::new(parse_definition(definition).expect("definition")),
        role_arn: Arc::from("arn:aws:iam::123456789012:role/r"),
        machine_type: StateMachineType::Standard,
        logging: None,
        tracing: None,
        update_date: Timestamp::from_epoch_millis(0),
        revision_id: "r".to_owned(),
    };
    Execution::new(
        1,
        Arc::from("arn:aws:states:us-east-1:123456789012:execution:m:e"),
        Arc::from("e"),
        Arc::from("m"),
        Arc::from("arn:aws:states:us-east-1:123456789012:stateMachine:m"),
        Arc::new(version),
        Arc::from("{}"),
        0,
        None,
        Arc::new(AtomicBool::new(false)),
    )
}

fn exited() -> EventKind {
    EventKind::ExecutionSucceeded {
        output: Arc::from("[null]"),
    }
}

#[test]
fn the_history_starts_with_execution_started_before_any_runner() {
    let e = execution();
    assert!(e.finish(5, Outcome::Aborted(ErrorCause::default())));
    let kinds: Vec<_> = e.with_state(|s| {
        s.history
            .events()
            .iter()
            .map(|event| event.to_wire(false).r#type.as_str().to_owned())
            .collect()
    });
    assert_eq!(kinds, vec!["ExecutionStarted", "ExecutionAborted"]);
}

#[test]
fn a_runner_of_an_ended_run_writes_and_ends_nothing_after_a_redrive() {
    let e = execution();
    assert_eq!(e.run(), 0);
    assert!(e.finish(5, Outcome::Aborted(ErrorCause::default())));
    assert!(e.reopen(6, None).is_ok());
    assert_eq!(e.run(), 1);
    assert!(e.is_running());
    // The old run's runner, not yet woken: refused.
    assert!(!e.run_goes_on(0));
    assert_eq!(e.record_in_run(0, 7, exited(), None), None);
    assert!(!e.finish_run(Some(0), 7, Outcome::Succeeded(Arc::from("[null]"))));
    assert_eq!(e.with_state(|s| s.status.clone()), ExecutionStatus::Running);
    // The redriven run's runner: accepted.
    assert!(e.record_in_run(1, 8, exited(), None).is_some());
    assert!(e.finish_run(Some(1), 9, Outcome::Succeeded(Arc::from("[1]"))));
}

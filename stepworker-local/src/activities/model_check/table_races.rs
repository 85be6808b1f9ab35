//! The task table under every interleaving shuttle finds: two reports per
//! token, a poll starting one token, a heartbeat on another, each token's
//! runner with its timer, and (in half the schedules) a StopExecution,
//! followed in half of those by a RedriveExecution.

use std::sync::Arc;

use super::explore::explore;
use super::history::{check_history, Event, Execution};
use super::inbox::Inbox;
use super::sync::Mutex;
use super::tasks::{Closed, Refused, TaskEvent, TaskTable, TimerClaim};
use shuttle::rand::Rng;
use shuttle::thread;

const TOKENS: [u64; 2] = [1, 2];

/// How a model runner's wait on its token ended.
#[derive(Debug, Clone, PartialEq)]
enum Waited {
    /// A report reached it.
    Reported(TaskEvent),
    /// Its timer claimed the token and wrote the timeout.
    TimedOut,
    /// The execution ended first.
    Halted,
}

/// The wait of `execution::report_wait`, step by step: reports first, then
/// the end of the execution, then (when its timer fires) the timer's claim
/// on the token, which loses to a report that closed it first.
fn wait(
    table: &TaskTable,
    execution: &Execution,
    token: u64,
    reports: &mut Inbox,
    has_timer: bool,
) -> Waited {
    loop {
        while let Ok(event) = reports.try_recv() {
            if matches!(
                event,
                TaskEvent::Succeeded { .. } | TaskEvent::Failed { .. }
            ) {
                return Waited::Reported(event);
            }
        }
        if !execution.first_run_goes_on() {
            table.close(token, Closed::ExecutionEnded);
            return Waited::Halted;
        }
        if has_timer && shuttle::rand::thread_rng().gen_bool(0.25) {
            let claim = table.expire(token, || execution.record(Event::TimedOut(token)));
            match claim {
                TimerClaim::Expired { written: true } => return Waited::TimedOut,
                TimerClaim::Expired { written: false } => return Waited::Halted,
                // A report won: its event is in the channel.
                TimerClaim::Lost => {}
            }
        }
        thread::yield_now();
    }
}

fn report(tag: &str) -> TaskEvent {
    if tag.starts_with('s') {
        TaskEvent::Succeeded {
            output: Arc::from(tag),
            value: Box::new(serde_json::Value::Null),
        }
    } else {
        TaskEvent::Failed {
            error: Some(tag.to_owned()),
            cause: None,
        }
    }
}

/// The history event an accepted report with `tag` writes.
fn written(token: u64, tag: &str) -> Event {
    if tag.starts_with('s') {
        Event::Succeeded(token, tag.to_owned())
    } else {
        Event::Failed(token, tag.to_owned())
    }
}

fn one_schedule() {
    let table = Arc::new(TaskTable::default());
    let execution = Execution::running();
    let stops = shuttle::rand::thread_rng().gen_bool(0.5);
    let redrives = stops && shuttle::rand::thread_rng().gen_bool(0.5);
    let answers = Arc::new(Mutex::new(Vec::new()));
    let mut runners = Vec::new();
    for token in TOKENS {
        let mut reports = table.open(token, execution.log(token));
        let (table, execution) = (table.clone(), execution.clone());
        let has_timer = token == 1;
        runners.push(thread::spawn(move || {
            let waited = wait(&table, &execution, token, &mut reports, has_timer);
            (token, waited)
        }));
    }
    let mut others = Vec::new();
    for token in TOKENS {
        for tag in [format!("s{token}"), format!("f{token}")] {
            let (table, answers) = (table.clone(), answers.clone());
            others.push(thread::spawn(move || {
                let answer = table.report(token, report(&tag));
                answers.lock().push((token, tag, answer));
            }));
        }
    }
    let started = {
        let table = table.clone();
        thread::spawn(move || table.start(1, None, 0))
    };
    let heartbeat = {
        let table = table.clone();
        thread::spawn(move || table.heartbeat(2, 0))
    };
    if stops {
        let (table, execution) = (table.clone(), execution.clone());
        others.push(thread::spawn(move || {
            table.end_all(|| execution.stop().then(|| ((), TOKENS.to_vec())));
            if redrives {
                // RedriveExecution takes no table lock: the old tokens
                // must already be closed when the execution runs again.
                execution.redrive();
            }
        }));
    }
    let waited: Vec<(u64, Waited)> = runners
        .into_iter()
        .map(|r| r.join().expect("runner"))
        .collect();
    for other in others {
        other.join().expect("reporter or stopper");
    }
    let started = started.join().expect("poll");
    let heartbeat = heartbeat.join().expect("heartbeat");

    let history = check_history(&execution);
    let answers = answers.lock().clone();
    for token in TOKENS {
        let accepted: Vec<&String> = answers
            .iter()
            .filter(|(t, _, answer)| *t == token && answer.is_ok())
            .map(|(_, tag, _)| tag)
            .collect();
        assert!(accepted.len() <= 1, "two reports accepted: {answers:?}");
        for (t, tag, answer) in answers.iter().filter(|(t, ..)| *t == token) {
            let in_history = history.contains(&written(*t, tag));
            assert_eq!(
                answer.is_ok(),
                in_history,
                "answer {answer:?} to report {tag} disagrees with the history {history:?}"
            );
        }
        let (_, waited) = waited.iter().find(|(t, _)| *t == token).expect("runner");
        match waited {
            Waited::Reported(event) => {
                let tag = match event {
                    TaskEvent::Succeeded { output, .. } => output.to_string(),
                    TaskEvent::Failed { error, .. } => error.clone().unwrap_or_default(),
                    _ => unreachable!("only ends are returned"),
                };
                assert_eq!(accepted, vec![&tag], "the runner acted on a refused report");
            }
            Waited::TimedOut => {
                assert!(accepted.is_empty(), "a report and a timeout both won");
                assert!(history.contains(&Event::TimedOut(token)));
            }
            Waited::Halted => {
                assert!(stops, "the runner halted though nothing stopped it");
            }
        }
        if !stops {
            assert_ne!(*waited, Waited::Halted);
        }
    }
    assert_eq!(started, history.contains(&Event::Started(1)));
    if stops && heartbeat.is_ok() {
        // A heartbeat accepted after the stop would have found its token
        // open: the stop closes every token in the step it ends.
        assert!(matches!(table.heartbeat(2, 0), Err(Refused::Closed(_))));
    }
    if stops {
        let last = if redrives {
            Event::Redriven
        } else {
            Event::Aborted
        };
        assert_eq!(history.last(), Some(&last));
        // Every token of the ended execution is refused from now on.
        for token in TOKENS {
            assert!(matches!(
                table.report(token, report("s-late")),
                Err(Refused::Closed(_))
            ));
            assert!(table.heartbeat(token, 0).is_err());
            assert!(!table.start(token, None, 0));
        }
        assert_eq!(
            check_history(&execution),
            history,
            "a late report was written"
        );
    }
}

/// At most one outcome per token; an accepted report is in the history
/// and reaches its runner unless the execution ended; a refused one never
/// appears; nothing follows `ExecutionAborted`; every token of a stopped
/// execution is refused, even once a redrive made it run again.
#[test]
fn reports_timers_polls_and_stop_agree_with_the_history() {
    explore("task table", one_schedule);
}

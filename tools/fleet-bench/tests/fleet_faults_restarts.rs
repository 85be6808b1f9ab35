//! The fleet example (a real process, `examples/fleet`) against the
//! `stepworker-local` binary run with `--faults` (throttling, 500, 503,
//! latency, connections reset before and after the call took effect; seeded),
//! small `--quota` buckets and `--deliver-to-closed-polls`, SIGTERM-restarted
//! three times in the middle of the load: every execution ends SUCCEEDED
//! with the output the handlers compute, and each step's result is recorded
//! exactly once.
//!
//! The protocol itself loses or repeats some work; each case is counted and
//! must add up (see `stepworker_fleet_bench::restarts` for the list):
//! tasks handed to a poll a stopping instance dropped, or to a poll reset
//! after effect, are started on the service and never seen by a worker: they
//! time out after `HeartbeatSeconds` (10 s, the activities' declared
//! heartbeat) and the `Retry` on `States.Timeout` runs them again. Tasks cut
//! by a shutdown fail with `Worker.Shutdown` and run again. Reports reset
//! after effect are *maybe delivered* on the worker's side, once in the
//! history.
//!
//! 27-51 s in runs here (a lost task costs its 10 s `HeartbeatSeconds`); the
//! binaries are built by cargo first (fresh after `cargo test --workspace`
//! has built the examples). The scenario is `RestartScenario::small()`;
//! `cargo run --release -p stepworker-fleet-bench -- restarts` runs a larger
//! one and prints the same accounting.

use stepworker_fleet_bench::{restarts, Binaries, Profile, RestartScenario};

#[tokio::test]
async fn sigterm_restarts_under_faults_lose_and_repeat_nothing_unexplained() {
    let binaries = Binaries::build(Profile::current()).await.expect("build");
    let scenario = RestartScenario::small();
    let report = restarts::run(&binaries, &scenario).await.expect("the run");
    eprintln!("{report}");
    let a = report.accounting();
    let ledger = &report.ledger;

    // Every SIGTERM came mid-load.
    assert_eq!(report.running_at_sigterm.len(), scenario.restarts);
    assert!(
        report.running_at_sigterm.iter().all(|&running| running > 0),
        "a restart came after the load: {report}"
    );
    // Every execution SUCCEEDED with each handler's output, once.
    assert_eq!(ledger.executions, scenario.executions);
    assert!(ledger.wrong.is_empty(), "{:#?}\n{report}", ledger.wrong);
    assert_eq!(a.steps, 3 * scenario.executions as u64);
    assert!(
        ledger.steps_not_succeeded_once.is_empty(),
        "{:#?}\n{report}",
        ledger.steps_not_succeeded_once
    );
    // Attempts that did not succeed ended only in the two ways the protocol
    // explains: a timeout (lost task) or a shutdown failure.
    assert_eq!(
        ledger.failed(),
        a.shutdown_failures,
        "failures other than Worker.Shutdown: {report}"
    );

    // Lost in the protocol: handed out, never received by an instance. Each
    // went to a poll a stopping instance dropped, or to a poll whose
    // connection was reset after the engine handed it the task.
    assert!(
        a.lost_to_closed_polls <= a.lost_in_protocol
            && a.lost_in_protocol <= a.lost_to_closed_polls + a.poll_resets_after_effect,
        "{a:#?}\n{report}"
    );
    // Every timed-out attempt is one of those (or a result an instance gave
    // up): no task an instance held timed out, and no token was taken away
    // from a running handler.
    assert_eq!(
        a.timed_out,
        a.lost_in_protocol + a.given_up,
        "{a:#?}\n{report}"
    );
    assert_eq!(a.cancelled, 0, "{report}");
    // Every recorded result was sent once by an instance, which either heard
    // it accepted or could not know (maybe delivered, only after a fault
    // that left the first attempt's effect unknown).
    assert_eq!(
        a.results_recorded,
        a.results_delivered + a.maybe_delivered,
        "{a:#?}\n{report}"
    );
    assert!(a.maybe_delivered <= a.ambiguous_report_faults, "{report}");
    // The pressure was applied.
    let injected: u64 = report
        .pressure
        .operations
        .values()
        .map(|c| c.injected_throttles + c.internal_failures + c.service_unavailable)
        .sum();
    assert!(injected > 0, "no fault was injected: {report}");
}

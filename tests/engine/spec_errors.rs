//! Retry, Catch, Fail and Wait checked against the AWS Step Functions
//! developer guide: "Handling errors in Step Functions workflows"
//! (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html),
//! "Fail workflow state" (https://docs.aws.amazon.com/step-functions/latest/dg/state-fail.html)
//! and "Wait workflow state" (https://docs.aws.amazon.com/step-functions/latest/dg/state-wait.html).
//! Delays run on the engine's ManualClock, so every wait is exact.

use std::time::Duration;

use serde_json::{json, Value};
use stepworker_local::{LocalEngine, ManualClock};

use crate::support::api::{wait_for_sleepers, Api};
use crate::support::spec::{count_events, failed, output, succeeded};

/// An engine on a manual clock.
async fn clocked(clock: &ManualClock) -> Api {
    Api::with(LocalEngine::builder().clock(clock.clone())).await
}

/// A one-Task machine on `activity` with these Retry and Catch fields and,
/// when something catches, a `Z` fallback state.
fn task_with(activity: &str, retry: Value, catch: Value) -> Value {
    let catches = catch.as_array().is_some_and(|c| !c.is_empty());
    let mut definition = json!({ "StartAt": "X", "States": {
        "X": { "Type": "Task", "Resource": activity, "Retry": retry, "Catch": catch, "End": true } } });
    if catches {
        definition["States"]["Z"] = json!({ "Type": "Pass", "Result": "fallback", "End": true });
    }
    definition
}

/// Polls the next activity task and fails it with `error`.
async fn fail_next_task(api: &Api, activity: &str, error: &str) {
    let task = api.poll(activity, "w").await;
    api.ok(
        "SendTaskFailure",
        json!({ "taskToken": task["taskToken"], "error": error, "cause": "test" }),
    )
    .await;
}

/// Asserts that the retry comes exactly `delay` after the failure: one
/// millisecond earlier the activity is not scheduled again, at `delay` it is.
async fn assert_retry_after(api: &Api, clock: &ManualClock, execution: &str, delay: Duration) {
    let scheduled = count_events(api, execution, "ActivityScheduled").await;
    wait_for_sleepers(clock, 1).await;
    clock.advance(delay - Duration::from_millis(1));
    tokio::time::sleep(Duration::from_millis(30)).await;
    assert_eq!(
        count_events(api, execution, "ActivityScheduled").await,
        scheduled,
        "retried before {delay:?}"
    );
    clock.advance(Duration::from_millis(1));
    for _ in 0..400 {
        if count_events(api, execution, "ActivityScheduled").await > scheduled {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("no retry after {delay:?}");
}

// Guide, "Retrying after an error": IntervalSeconds 3, MaxAttempts 2 and
// BackoffRate 1.5 retry twice, after 3 and then 4.5 seconds.
#[tokio::test]
async fn interval_and_backoff_rate_set_the_waits() {
    let clock = ManualClock::starting_now();
    let api = clocked(&clock).await;
    let activity = api.activity("a").await;
    let retry = json!([{ "ErrorEquals": ["Flaky"], "IntervalSeconds": 3, "MaxAttempts": 2, "BackoffRate": 1.5 }]);
    let machine = api
        .machine("m", task_with(&activity, retry, json!([])))
        .await;
    let execution = api.start_execution(&machine, json!({})).await;
    fail_next_task(&api, &activity, "Flaky").await;
    assert_retry_after(&api, &clock, &execution, Duration::from_millis(3000)).await;
    fail_next_task(&api, &activity, "Flaky").await;
    assert_retry_after(&api, &clock, &execution, Duration::from_millis(4500)).await;
    fail_next_task(&api, &activity, "Flaky").await;
    let done = api.finished(&execution).await;
    assert_eq!(done["status"], "FAILED");
    assert_eq!(done["error"], "Flaky");
}

// states-language.net, "Retrying after error" (the same example as the
// guide's "Complex retry scenarios"): errors ErrorA, ErrorB, ErrorC wait 1,
// 2 and 5 seconds; the fourth, ErrorB, finds the first retrier at its
// MaxAttempts of two and goes to Z through Catch. (The guide's copy lists
// five errors and also a 4-second wait for the fourth, contradicting its
// own next sentence; we follow the specification.)
#[tokio::test]
async fn retriers_count_attempts_across_errors() {
    let clock = ManualClock::starting_now();
    let api = clocked(&clock).await;
    let activity = api.activity("a").await;
    let retry = json!([
        { "ErrorEquals": ["ErrorA", "ErrorB"], "IntervalSeconds": 1, "BackoffRate": 2.0, "MaxAttempts": 2 },
        { "ErrorEquals": ["ErrorC"], "IntervalSeconds": 5 } ]);
    let catch = json!([{ "ErrorEquals": ["States.ALL"], "Next": "Z" }]);
    let machine = api.machine("m", task_with(&activity, retry, catch)).await;
    let execution = api.start_execution(&machine, json!({})).await;
    for (error, wait_secs) in [("ErrorA", 1), ("ErrorB", 2), ("ErrorC", 5)] {
        fail_next_task(&api, &activity, error).await;
        assert_retry_after(&api, &clock, &execution, Duration::from_secs(wait_secs)).await;
    }
    fail_next_task(&api, &activity, "ErrorB").await;
    let done = api.finished(&execution).await;
    assert_eq!(done["status"], "SUCCEEDED");
    assert_eq!(output(&done), json!("fallback"));
    assert_eq!(count_events(&api, &execution, "ActivityScheduled").await, 4);
}

// Guide, retrier fields: MaxDelaySeconds caps the computed backoff.
#[tokio::test]
async fn max_delay_seconds_caps_the_backoff() {
    let clock = ManualClock::starting_now();
    let api = clocked(&clock).await;
    let activity = api.activity("a").await;
    let retry = json!([{ "ErrorEquals": ["States.ALL"], "IntervalSeconds": 3, "BackoffRate": 10,
                         "MaxDelaySeconds": 5, "MaxAttempts": 3 }]);
    let machine = api
        .machine("m", task_with(&activity, retry, json!([])))
        .await;
    let execution = api.start_execution(&machine, json!({})).await;
    for wait_secs in [3, 5, 5] {
        fail_next_task(&api, &activity, "Boom").await;
        assert_retry_after(&api, &clock, &execution, Duration::from_secs(wait_secs)).await;
    }
    fail_next_task(&api, &activity, "Boom").await;
    assert_eq!(api.finished(&execution).await["status"], "FAILED");
}

// Guide, retrier fields: JitterStrategy FULL waits a random time between 0
// and the computed backoff, so advancing by the backoff always releases
// the retry.
#[tokio::test]
async fn full_jitter_never_waits_longer_than_the_backoff() {
    let clock = ManualClock::starting_now();
    let api = clocked(&clock).await;
    let activity = api.activity("a").await;
    let retry = json!([{ "ErrorEquals": ["States.ALL"], "IntervalSeconds": 4, "BackoffRate": 2,
                         "JitterStrategy": "FULL", "MaxAttempts": 2 }]);
    let machine = api
        .machine("m", task_with(&activity, retry, json!([])))
        .await;
    let execution = api.start_execution(&machine, json!({})).await;
    for backoff_secs in [4, 8] {
        fail_next_task(&api, &activity, "Boom").await;
        let scheduled = count_events(&api, &execution, "ActivityScheduled").await;
        // A zero jitter may retry without arming a timer at all.
        for _ in 0..200 {
            if clock.sleepers() > 0
                || count_events(&api, &execution, "ActivityScheduled").await > scheduled
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        clock.advance(Duration::from_secs(backoff_secs));
        let mut retried = false;
        for _ in 0..400 {
            if count_events(&api, &execution, "ActivityScheduled").await > scheduled {
                retried = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert!(retried, "no retry within {backoff_secs}s");
    }
}

// Guide: "retries any error except States.Timeout": a States.Timeout
// retrier with MaxAttempts 0 is never retried, and the States.ALL retrier
// after it is not consulted; other errors use the defaults (1 second).
#[tokio::test]
async fn max_attempts_zero_is_never_retried() {
    let clock = ManualClock::starting_now();
    let api = clocked(&clock).await;
    let activity = api.activity("a").await;
    let retry = json!([
        { "ErrorEquals": ["States.Timeout"], "MaxAttempts": 0 },
        { "ErrorEquals": ["States.ALL"] } ]);
    let mut definition = task_with(&activity, retry, json!([]));
    definition["States"]["X"]["TimeoutSeconds"] = json!(10);
    let machine = api.machine("m", definition).await;

    let timing_out = api.start_execution(&machine, json!({})).await;
    api.poll(&activity, "w").await;
    wait_for_sleepers(&clock, 1).await;
    clock.advance(Duration::from_secs(10));
    let done = api.finished(&timing_out).await;
    assert_eq!(done["error"], "States.Timeout");
    assert_eq!(
        count_events(&api, &timing_out, "ActivityScheduled").await,
        1
    );

    let failing = api.start_execution(&machine, json!({})).await;
    fail_next_task(&api, &activity, "Other").await;
    assert_retry_after(&api, &clock, &failing, Duration::from_secs(1)).await;
}

// Guide, "Fallback states": catchers are scanned in order; the
// java.lang.Exception catcher keeps the input under `error-info`, the
// States.ALL one replaces the input with the error output.
#[tokio::test]
async fn catchers_are_scanned_in_order() {
    let api = Api::start().await;
    let activity = api.activity("a").await;
    let catch = json!([
        { "ErrorEquals": ["java.lang.Exception"], "ResultPath": "$.error-info", "Next": "RecoveryState" },
        { "ErrorEquals": ["States.ALL"], "Next": "EndState" } ]);
    let definition = json!({ "StartAt": "X", "States": {
        "X": { "Type": "Task", "Resource": activity, "Catch": catch, "End": true },
        "RecoveryState": { "Type": "Pass", "End": true },
        "EndState": { "Type": "Pass", "End": true } } });
    let machine = api.machine("m", definition).await;
    for (error, expected) in [
        (
            "java.lang.Exception",
            json!({ "in": 1, "error-info": { "Error": "java.lang.Exception", "Cause": "test" } }),
        ),
        ("Other", json!({ "Error": "Other", "Cause": "test" })),
    ] {
        let execution = api.start_execution(&machine, json!({ "in": 1 })).await;
        fail_next_task(&api, &activity, error).await;
        let done = api.finished(&execution).await;
        assert_eq!(output(&done), expected, "{error}");
    }
}

// Guide, "Error names": States.ALL does not catch States.Runtime, and
// States.TaskFailed matches every error except States.Timeout.
#[tokio::test]
async fn wildcards_follow_the_documented_rules() {
    let clock = ManualClock::starting_now();
    let api = clocked(&clock).await;
    let activity = api.activity("a").await;
    let runtime = json!({ "StartAt": "X", "States": {
        "X": { "Type": "Task", "Resource": activity, "InputPath": "$.missing",
               "Catch": [{ "ErrorEquals": ["States.ALL"], "Next": "Z" }], "End": true },
        "Z": { "Type": "Succeed" } } });
    let (error, _) = failed(&api, runtime, json!({})).await;
    assert_eq!(error, "States.Runtime");

    let catch = json!([
        { "ErrorEquals": ["States.TaskFailed"], "Next": "Z" },
        { "ErrorEquals": ["States.ALL"], "Next": "Timeouts" } ]);
    let mut definition = task_with(&activity, json!([]), catch);
    definition["States"]["X"]["TimeoutSeconds"] = json!(5);
    definition["States"]["Timeouts"] = json!({ "Type": "Pass", "Result": "timeout", "End": true });
    let machine = api.machine("m", definition).await;

    let failing = api.start_execution(&machine, json!({})).await;
    fail_next_task(&api, &activity, "Custom").await;
    assert_eq!(output(&api.finished(&failing).await), json!("fallback"));

    let timing_out = api.start_execution(&machine, json!({})).await;
    api.poll(&activity, "w").await;
    wait_for_sleepers(&clock, 1).await;
    clock.advance(Duration::from_secs(5));
    assert_eq!(output(&api.finished(&timing_out).await), json!("timeout"));
}

// Fail state guide: static Error/Cause, reference paths, and States.Format
// in CausePath and ErrorPath.
#[tokio::test]
async fn fail_state_error_and_cause_sources() {
    let api = Api::start().await;
    let fail = |state: Value| json!({ "StartAt": "FailState", "States": { "FailState": state } });
    let input = json!({ "Error": "ErrorA", "Cause": "bad input" });
    for (state, error, cause) in [
        (
            json!({ "Type": "Fail", "Cause": "Invalid response.", "Error": "ErrorA" }),
            "ErrorA",
            "Invalid response.",
        ),
        (
            json!({ "Type": "Fail", "CausePath": "$.Cause", "ErrorPath": "$.Error" }),
            "ErrorA",
            "bad input",
        ),
        (
            json!({ "Type": "Fail",
                    "CausePath": "States.Format('This is a custom error message for {}, caused by {}.', $.Error, $.Cause)",
                    "ErrorPath": "States.Format('{}', $.Error)" }),
            "ErrorA",
            "This is a custom error message for ErrorA, caused by bad input.",
        ),
    ] {
        let got = failed(&api, fail(state.clone()), input.clone()).await;
        assert_eq!(got, (error.to_owned(), cause.to_owned()), "{state}");
    }
}

// Fail state guide: "When resolved, the reference path must select a
// field that contains a string value."
#[tokio::test]
async fn fail_error_path_must_select_a_string() {
    let api = Api::start().await;
    let definition =
        json!({ "StartAt": "F", "States": { "F": { "Type": "Fail", "ErrorPath": "$.code" } } });
    let (error, _) = failed(&api, definition, json!({ "code": 42 })).await;
    assert_eq!(error, "States.Runtime");
}

// Wait guide: `"Seconds": 10` waits ten seconds on the clock.
#[tokio::test]
async fn wait_seconds() {
    let clock = ManualClock::starting_now();
    let api = clocked(&clock).await;
    let definition = json!({ "StartAt": "wait_ten_seconds", "States": {
        "wait_ten_seconds": { "Type": "Wait", "Seconds": 10, "Next": "NextState" },
        "NextState": { "Type": "Succeed" } } });
    let machine = api.machine("m", definition).await;
    let execution = api.start_execution(&machine, json!({})).await;
    wait_for_sleepers(&clock, 1).await;
    clock.advance(Duration::from_millis(9_999));
    tokio::time::sleep(Duration::from_millis(30)).await;
    assert_eq!(api.describe(&execution).await["status"], "RUNNING");
    clock.advance(Duration::from_millis(1));
    assert_eq!(api.finished(&execution).await["status"], "SUCCEEDED");
}

// Wait guide: Timestamp and TimestampPath wait until an absolute time
// (2016-03-14T01:59:00Z); a time already past does not wait.
#[tokio::test]
async fn wait_until_a_timestamp() {
    // 2016-03-14T01:00:00Z, one hour before the guide's timestamp.
    let clock = ManualClock::new(1_457_917_200_000);
    let api = clocked(&clock).await;
    let by_path = json!({ "StartAt": "wait_until", "States": {
        "wait_until": { "Type": "Wait", "TimestampPath": "$.expirydate", "Next": "NextState" },
        "NextState": { "Type": "Succeed" } } });
    let machine = api.machine("path", by_path).await;
    let execution = api
        .start_execution(&machine, json!({ "expirydate": "2016-03-14T01:59:00Z" }))
        .await;
    wait_for_sleepers(&clock, 1).await;
    clock.advance(Duration::from_secs(59 * 60) - Duration::from_millis(1));
    tokio::time::sleep(Duration::from_millis(30)).await;
    assert_eq!(api.describe(&execution).await["status"], "RUNNING");
    clock.advance(Duration::from_millis(1));
    assert_eq!(api.finished(&execution).await["status"], "SUCCEEDED");

    // The clock is now at 01:59:00; a literal Timestamp an hour earlier has passed.
    let literal = json!({ "StartAt": "wait_until", "States": {
        "wait_until": { "Type": "Wait", "Timestamp": "2016-03-14T00:59:00Z", "Next": "NextState" },
        "NextState": { "Type": "Succeed" } } });
    let out = succeeded(&api, literal, json!({ "kept": true })).await;
    assert_eq!(out, json!({ "kept": true }));
}

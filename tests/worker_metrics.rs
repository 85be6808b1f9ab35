//! The worker's metrics over HTTP, against the engine's injected faults: every
//! series the worker documents is emitted, and a report whose first attempt
//! took effect but lost its answer (a connection reset after the effect)
//! ends "maybe delivered", not "cancelled".
//!
//! The series are read through a `metrics` recorder installed for this test
//! binary, as a production fleet installs an exporter.

// A binary of its own, not a module of `tests/worker/`: it installs the
// process's global metrics recorder, which the other worker tests must not
// feed. It shares their helpers.
#[allow(dead_code)] // it uses part of them
#[path = "worker/support.rs"]
mod support;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use metrics::{
    Counter, Gauge, GaugeFn, Histogram, HistogramFn, Key, KeyName, Metadata, Recorder,
    SharedString, Unit,
};
use serde_json::json;
use stepworker::model::ExecutionStatus;
use stepworker::worker::{Activity, ActivityContext, TaskFailure, Worker};
use stepworker_local::{Faults, OperationFaults};
use support::*;

const LIMIT: Duration = Duration::from_secs(60);

/// Every series the worker emitted, by `name{label=value,...}`.
#[derive(Default)]
struct Series {
    counters: Mutex<BTreeMap<String, Arc<AtomicU64>>>,
    gauges: Mutex<BTreeMap<String, Arc<Level>>>,
    histograms: Mutex<BTreeMap<String, Arc<Samples>>>,
}

/// A gauge's value and the highest it reached.
#[derive(Default)]
struct Level {
    now: Mutex<(f64, f64)>,
}

impl GaugeFn for Level {
    fn increment(&self, value: f64) {
        let mut level = self.now.lock().unwrap_or_else(PoisonError::into_inner);
        level.0 += value;
        level.1 = level.1.max(level.0);
    }
    fn decrement(&self, value: f64) {
        self.increment(-value);
    }
    fn set(&self, value: f64) {
        let mut level = self.now.lock().unwrap_or_else(PoisonError::into_inner);
        *level = (value, level.1.max(value));
    }
}

/// How many values a histogram recorded.
#[derive(Default)]
struct Samples(AtomicU64);

impl HistogramFn for Samples {
    fn record(&self, _: f64) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

fn name_of(key: &Key) -> String {
    let mut labels: Vec<String> = key
        .labels()
        .map(|label| format!("{}={}", label.key(), label.value()))
        .collect();
    labels.sort();
    format!("{}{{{}}}", key.name(), labels.join(","))
}

fn entry<T: Default>(map: &Mutex<BTreeMap<String, Arc<T>>>, key: &Key) -> Arc<T> {
    let mut map = map.lock().unwrap_or_else(PoisonError::into_inner);
    Arc::clone(map.entry(name_of(key)).or_default())
}

impl Recorder for Series {
    fn describe_counter(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_gauge(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_histogram(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}

    fn register_counter(&self, key: &Key, _: &Metadata<'_>) -> Counter {
        Counter::from_arc(entry(&self.counters, key))
    }

    fn register_gauge(&self, key: &Key, _: &Metadata<'_>) -> Gauge {
        Gauge::from_arc(entry(&self.gauges, key))
    }

    fn register_histogram(&self, key: &Key, _: &Metadata<'_>) -> Histogram {
        Histogram::from_arc(entry(&self.histograms, key))
    }
}

impl Series {
    fn counter(&self, name: &str) -> u64 {
        let map = self.counters.lock().unwrap_or_else(PoisonError::into_inner);
        map.get(name).map_or(0, |c| c.load(Ordering::Relaxed))
    }

    /// (value now, highest value), if the gauge was ever set.
    fn gauge(&self, name: &str) -> Option<(f64, f64)> {
        let map = self.gauges.lock().unwrap_or_else(PoisonError::into_inner);
        map.get(name)
            .map(|g| *g.now.lock().unwrap_or_else(PoisonError::into_inner))
    }

    fn samples(&self, name: &str) -> u64 {
        let map = self
            .histograms
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        map.get(name).map_or(0, |h| h.0.load(Ordering::Relaxed))
    }

    fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .counters
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .keys()
            .cloned()
            .collect();
        names.extend(
            self.gauges
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .keys()
                .cloned(),
        );
        names
    }
}

fn series() -> &'static Series {
    static SERIES: OnceLock<&'static Series> = OnceLock::new();
    SERIES.get_or_init(|| {
        let series: &'static Series = Box::leak(Box::default());
        metrics::set_global_recorder(series).expect("the only recorder of this test binary");
        series
    })
}

/// Echoes its input at once; its reports lose their answer half the time.
struct Echo;

impl Activity for Echo {
    const NAME: &'static str = "echo-metrics";
    const HEARTBEAT: Option<Duration> = Some(Duration::from_secs(5));
    const TIMEOUT: Option<Duration> = Some(Duration::from_secs(30));
    type Input = u64;
    type Output = u64;
    type Error = TaskFailure;

    async fn run(&self, n: u64, _: ActivityContext) -> Result<u64, TaskFailure> {
        Ok(n)
    }
}

/// Fails at once; its failure report is throttled until the task's 2 s
/// timeout, after which the worker gives it up.
struct Refuse;

impl Activity for Refuse {
    const NAME: &'static str = "refuse-metrics";
    const HEARTBEAT: Option<Duration> = None;
    const TIMEOUT: Option<Duration> = Some(Duration::from_secs(2));
    type Input = u64;
    type Output = u64;
    type Error = TaskFailure;

    async fn run(&self, _: u64, _: ActivityContext) -> Result<u64, TaskFailure> {
        Err(TaskFailure::new("Refused", "on purpose"))
    }
}

#[tokio::test]
async fn every_documented_series_is_emitted_and_a_reset_report_is_maybe_delivered() {
    let series = series();
    // Seeded: the reports go out one at a time, so the same attempts reset
    // on every run.
    let faults = Faults::seeded(19)
        .operation(
            "SendTaskSuccess",
            OperationFaults {
                reset_after_effect: 0.5,
                ..OperationFaults::default()
            },
        )
        .and_then(|f| {
            f.operation(
                "SendTaskFailure",
                OperationFaults {
                    throttle: 1.0,
                    ..OperationFaults::default()
                },
            )
        })
        .expect("valid faults");
    let (engine, client) = engine_with(|builder| builder.faults(faults)).await;
    let echo_arn = activity_arn(&client, Echo::NAME).await;
    let refuse_arn = activity_arn(&client, Refuse::NAME).await;
    let echo_machine = state_machine(
        &client,
        "echo-metrics",
        &task_definition(&echo_arn, json!({ "TimeoutSeconds": 30 })),
    )
    .await;
    let refuse_machine = state_machine(
        &client,
        "refuse-metrics",
        &task_definition(&refuse_arn, json!({ "TimeoutSeconds": 2 })),
    )
    .await;
    let worker = Worker::builder(client.clone())
        .activity(Echo)
        .activity(Refuse)
        .pollers(2)
        .build();
    let handle = worker.handle();
    let running = tokio::spawn(worker.run());

    // The pollers gauge is set once polling starts, before any task.
    let pollers = "stepworker_pollers{activity=echo-metrics}";
    let deadline = tokio::time::Instant::now() + LIMIT;
    while series.gauge(pollers).is_none() && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(series.gauge(pollers).map(|g| g.0), Some(2.0), "{pollers}");

    const REPORTS: u64 = 8;
    for n in 0..REPORTS {
        let execution = start(&client, &echo_machine, &json!(n)).await;
        let described = finished(&client, &execution, LIMIT).await;
        assert_eq!(
            described.status,
            ExecutionStatus::Succeeded,
            "execution {n}"
        );
        assert_eq!(output_of(&described), json!(n), "execution {n}");
    }
    let refused = start(&client, &refuse_machine, &json!(0)).await;
    let described = finished(&client, &refused, LIMIT).await;
    // The task timed out on the service (its failure never got through).
    assert_eq!(described.status, ExecutionStatus::Failed);
    assert_eq!(described.error.as_deref(), Some("States.Timeout"));
    // The worker gives the report up at the task's deadline, which it
    // reads on its own clock: wait for it rather than race it.
    let given_up = "stepworker_reports_given_up_total{activity=refuse-metrics}";
    let deadline = tokio::time::Instant::now() + LIMIT;
    while series.counter(given_up) == 0 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    handle.shutdown();
    let ended = tokio::time::timeout(LIMIT, running).await;
    assert!(matches!(ended, Ok(Ok(Ok(())))), "{ended:?}");
    eprintln!("series: {:#?}", series.names());

    // Every report whose first attempt was reset after taking effect was
    // told "token gone" on a later attempt: maybe delivered, never counted
    // as a cancelled task.
    let resets = engine.pressure_stats()["SendTaskSuccess"].resets_after_effect;
    assert!(resets > 0, "the seed reset no report");
    let maybe = series.counter("stepworker_reports_maybe_delivered_total{activity=echo-metrics}");
    let succeeded = series.counter("stepworker_tasks_succeeded_total{activity=echo-metrics}");
    assert!(
        maybe > 0,
        "no report ended maybe delivered ({resets} resets)"
    );
    assert_eq!(
        maybe + succeeded,
        REPORTS,
        "{maybe} maybe + {succeeded} delivered"
    );
    assert_eq!(
        series.counter("stepworker_tasks_cancelled_total{activity=echo-metrics}"),
        0,
        "a maybe-delivered report counted as a cancelled task"
    );
    assert_eq!(series.counter(given_up), 1, "{given_up}");

    // API calls and errors by operation and code; throttles.
    for operation in [
        "CreateActivity",
        "GetActivityTask",
        "SendTaskSuccess",
        "SendTaskFailure",
    ] {
        let calls = format!("stepworker_api_calls_total{{operation={operation}}}");
        assert!(series.counter(&calls) > 0, "{calls}");
    }
    let success_calls = series.counter("stepworker_api_calls_total{operation=SendTaskSuccess}");
    assert!(
        success_calls > REPORTS,
        "each attempt is a call: {success_calls}"
    );
    assert!(
        series.counter("stepworker_api_errors_total{code=Transport,operation=SendTaskSuccess}")
            >= resets.min(1)
    );
    assert!(
        series.counter(
            "stepworker_api_errors_total{code=ThrottlingException,operation=SendTaskFailure}"
        ) > 0
    );
    assert!(series.counter("stepworker_throttles_total{operation=SendTaskFailure}") > 0);
    // Tasks: started, duration, in flight (back to 0 at the end).
    assert_eq!(
        series.counter("stepworker_tasks_started_total{activity=echo-metrics}"),
        REPORTS
    );
    assert_eq!(
        series.samples("stepworker_task_duration_seconds{activity=echo-metrics}"),
        REPORTS
    );
    assert!(series.samples("stepworker_slot_wait_seconds{activity=echo-metrics}") >= REPORTS);
    // A report still retrying may overlap the next task, so the highest
    // level is at least 1, not exactly 1.
    let in_flight = series.gauge("stepworker_tasks_in_flight{activity=echo-metrics}");
    assert!(
        in_flight.is_some_and(|(now, highest)| now == 0.0 && highest >= 1.0),
        "{in_flight:?}"
    );
    assert!(series.counter("stepworker_polls_total{activity=echo-metrics}") >= REPORTS);
}

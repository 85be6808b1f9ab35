//! A minimal `metrics` recorder that keeps the worker's counters in memory,
//! for a periodic log line and a summary at exit.
//!
//! The worker emits its series through the `metrics` facade (feature
//! `metrics`); a production fleet would install an exporter such as
//! Prometheus instead of this recorder, and get the same series.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use metrics::{
    Counter, Gauge, Histogram, HistogramFn, Key, KeyName, Metadata, Recorder, SharedString, Unit,
};

/// The worker's counters, with the column each gets in the summary.
const COUNTERS: [(&str, &str); 9] = [
    ("stepworker_polls_total", "polls"),
    ("stepworker_empty_polls_total", "empty polls"),
    ("stepworker_tasks_started_total", "started"),
    ("stepworker_tasks_succeeded_total", "succeeded"),
    ("stepworker_tasks_failed_total", "failed"),
    ("stepworker_tasks_cancelled_total", "cancelled"),
    ("stepworker_heartbeat_failures_total", "heartbeat failures"),
    (
        "stepworker_reports_maybe_delivered_total",
        "maybe delivered",
    ),
    ("stepworker_reports_given_up_total", "given up"),
];

/// Counter values by activity, then by series name.
type Tally = BTreeMap<String, BTreeMap<String, Arc<AtomicU64>>>;

/// Every counter the worker reported, by activity.
#[derive(Default)]
pub struct WorkerCounters {
    counters: Mutex<Tally>,
    slot_waits: Mutex<BTreeMap<String, Arc<SlotWaits>>>,
}

impl WorkerCounters {
    /// Installs a new tally as the process's metrics recorder.
    pub fn install() -> anyhow::Result<Arc<Self>> {
        let counters = Arc::new(Self::default());
        metrics::set_global_recorder(Arc::clone(&counters))
            .map_err(|_| anyhow::anyhow!("a metrics recorder is already installed"))?;
        Ok(counters)
    }

    /// The sum of one series over all activities.
    pub fn total(&self, series: &str) -> u64 {
        lock(&self.counters)
            .values()
            .filter_map(|by_series| by_series.get(series))
            .map(|value| value.load(Ordering::Relaxed))
            .sum()
    }

    /// Logs the totals as one structured event.
    pub fn log_totals(&self) {
        tracing::info!(
            polls = self.total(COUNTERS[0].0),
            empty_polls = self.total(COUNTERS[1].0),
            started = self.total(COUNTERS[2].0),
            succeeded = self.total(COUNTERS[3].0),
            failed = self.total(COUNTERS[4].0),
            cancelled = self.total(COUNTERS[5].0),
            heartbeat_failures = self.total(COUNTERS[6].0),
            maybe_delivered = self.total(COUNTERS[7].0),
            given_up = self.total(COUNTERS[8].0),
            "worker counters"
        );
    }

    /// Prints one row per activity, each counter in a column.
    pub fn print_summary(&self) {
        let counters = lock(&self.counters);
        let slot_waits = lock(&self.slot_waits);
        let name_width = counters.keys().map(String::len).max().unwrap_or(0).max(8);
        print!("{:<name_width$}", "activity");
        for (_, header) in COUNTERS {
            print!("  {header}");
        }
        println!("  mean slot wait (ms)");
        for (activity, by_series) in counters.iter() {
            print!("{activity:<name_width$}");
            for (series, header) in COUNTERS {
                let value = by_series
                    .get(series)
                    .map_or(0, |v| v.load(Ordering::Relaxed));
                print!("  {value:>width$}", width = header.len());
            }
            let mean_wait = slot_waits.get(activity).map_or(0.0, |w| w.mean_millis());
            println!("  {mean_wait:>19.1}");
        }
    }
}

impl Recorder for WorkerCounters {
    fn describe_counter(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_gauge(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_histogram(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}

    fn register_counter(&self, key: &Key, _: &Metadata<'_>) -> Counter {
        let value = lock(&self.counters)
            .entry(activity_of(key))
            .or_default()
            .entry(key.name().to_owned())
            .or_default()
            .clone();
        Counter::from_arc(value)
    }

    fn register_gauge(&self, _: &Key, _: &Metadata<'_>) -> Gauge {
        Gauge::noop()
    }

    fn register_histogram(&self, key: &Key, _: &Metadata<'_>) -> Histogram {
        if key.name() != "stepworker_slot_wait_seconds" {
            return Histogram::noop();
        }
        let waits = lock(&self.slot_waits)
            .entry(activity_of(key))
            .or_default()
            .clone();
        Histogram::from_arc(waits)
    }
}

/// How long pollers waited for a concurrency slot: a fleet that is too small
/// shows it here first.
#[derive(Default)]
struct SlotWaits {
    count: AtomicU64,
    total_micros: AtomicU64,
}

impl SlotWaits {
    fn mean_millis(&self) -> f64 {
        let count = self.count.load(Ordering::Relaxed);
        if count == 0 {
            return 0.0;
        }
        self.total_micros.load(Ordering::Relaxed) as f64 / count as f64 / 1_000.0
    }
}

impl HistogramFn for SlotWaits {
    fn record(&self, seconds: f64) {
        self.count.fetch_add(1, Ordering::Relaxed);
        let micros = (seconds * 1e6).max(0.0) as u64;
        self.total_micros.fetch_add(micros, Ordering::Relaxed);
    }
}

fn activity_of(key: &Key) -> String {
    key.labels()
        .find(|label| label.key() == "activity")
        .map(|label| label.value().to_owned())
        .unwrap_or_default()
}

/// The counters stay usable even if a thread panicked while holding the lock.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

//! A measurement, not a check: the latency of a cheap API call
//! (ListActivities) while CPU-heavy requests run (TestState with JSONata
//! that computes until its time budget ends), against the same call on an
//! idle engine. Ignored by default (it takes about 20 s and its figures
//! depend on the machine); run it with
//!
//! ```sh
//! cargo test -p stepworker-local --release --test local api_latency_under_load -- --ignored --nocapture
//! ```

use std::time::{Duration, Instant};

use crate::support::process::{Api, Engine};
use crate::support::ROLE;
use serde_json::json;

/// Concurrent CPU-heavy requests.
const HEAVY_CLIENTS: usize = 6;

/// Latencies of ListActivities calls made one after another for `span`.
async fn probe(api: &Api, span: Duration) -> Vec<Duration> {
    let mut latencies = Vec::new();
    let end = Instant::now() + span;
    while Instant::now() < end && latencies.len() < 100_000 {
        let start = Instant::now();
        let (status, _) = api.call("ListActivities", &json!({})).await;
        assert_eq!(status, 200);
        latencies.push(start.elapsed());
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    latencies
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn summary(name: &str, mut latencies: Vec<Duration>) -> Duration {
    latencies.sort();
    let p99 = percentile(&latencies, 0.99);
    println!(
        "{name}: {} calls, p50 {:?}, p99 {:?}, max {:?}",
        latencies.len(),
        percentile(&latencies, 0.5),
        p99,
        latencies.last().copied().unwrap_or_default()
    );
    p99
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement; run it by hand (see the file's documentation)"]
async fn list_activities_latency_while_cpu_heavy_requests_run() {
    let mut engine = Engine::start(&[]).await;
    let idle = summary("idle", probe(&engine.api, Duration::from_secs(3)).await);

    // Runs until the expression's 5 s timeout stops it.
    let heavy = json!({
        "Type": "Pass", "QueryLanguage": "JSONata", "End": true,
        "Output": "{% $reduce([1..1000000], function($a, $v){ $a + $sum([1..50]) }, 0) %}"
    })
    .to_string();
    let stop_at = Instant::now() + Duration::from_secs(12);
    let mut load = Vec::new();
    for _ in 0..HEAVY_CLIENTS {
        let api = engine.api.clone();
        let heavy = heavy.clone();
        load.push(tokio::spawn(async move {
            let mut answered = 0u32;
            while Instant::now() < stop_at {
                let (status, _) = api
                    .call("TestState", &json!({"definition": heavy, "roleArn": ROLE}))
                    .await;
                assert_eq!(status, 200);
                answered += 1;
            }
            answered
        }));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let loaded = summary(
        "under load",
        probe(&engine.api, Duration::from_secs(8)).await,
    );
    let mut heavy_answers = 0;
    for task in load {
        heavy_answers += task.await.expect("load task");
    }
    println!("heavy TestState answers: {heavy_answers}");
    println!(
        "p99 under load / idle: {:.1}",
        loaded.as_secs_f64() / idle.as_secs_f64().max(1e-9)
    );
    engine.assert_api_answers("the measurement").await;
}

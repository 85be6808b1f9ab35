//! In-process Pass transitions per second: executions of a 100-state Pass
//! chain started through the engine's in-process API (no HTTP), measured
//! from the first StartExecution to the last execution's end.

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use serde_json::{json, Value};
use stepworker_local::{LocalEngine, Retention};

const STATES: usize = 100;
const EXECUTIONS: u64 = 200;

fn pass_chain() -> Value {
    let mut states = serde_json::Map::new();
    for i in 0..STATES {
        let mut state = json!({"Type": "Pass", "Result": {"step": i}, "ResultPath": "$.last"});
        if i + 1 == STATES {
            state["End"] = json!(true);
        } else {
            state["Next"] = json!(format!("S{}", i + 1));
        }
        states.insert(format!("S{i}"), state);
    }
    json!({"StartAt": "S0", "States": states})
}

fn transitions(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let (engine, machine) = runtime.block_on(async {
        let engine = LocalEngine::builder()
            .retention(Retention {
                max_finished_executions: 1_000,
            })
            .start()
            .await
            .expect("engine");
        let created = engine
            .call(
                "CreateStateMachine",
                &json!({
                    "name": "chain",
                    "definition": pass_chain().to_string(),
                    "roleArn": "arn:aws:iam::123456789012:role/bench"
                }),
            )
            .await
            .expect("state machine");
        (engine, created["stateMachineArn"].clone())
    });
    let start = json!({"stateMachineArn": machine, "input": "{\"order\":42}"});

    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Elements(EXECUTIONS * STATES as u64));
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("pass_transitions", |b| {
        b.iter_custom(|iterations| {
            runtime.block_on(async {
                let began = Instant::now();
                for _ in 0..iterations {
                    let target = engine.stats().executions_finished + EXECUTIONS;
                    for _ in 0..EXECUTIONS {
                        engine.call("StartExecution", &start).await.expect("start");
                    }
                    while engine.stats().executions_finished < target {
                        tokio::time::sleep(Duration::from_micros(200)).await;
                    }
                }
                began.elapsed()
            })
        });
    });
    group.finish();
}

criterion_group!(benches, transitions);
criterion_main!(benches);

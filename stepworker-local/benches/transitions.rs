//! In-process Pass transitions per second: executions of a 100-state Pass
//! chain started through the engine's in-process API (no HTTP), measured
//! from the first StartExecution to the last execution's end. The same chain
//! written in JSONata (an `Output` expression and an `Assign` per state)
//! runs in the same process, so the two query languages compare in one run.

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use serde_json::{json, Value};
use stepworker_local::{LocalEngine, Retention};

/// The engine on the allocator its binary installs (jemalloc).
#[global_allocator]
static ALLOCATOR: stepworker_local::EngineAllocator = stepworker_local::ENGINE_ALLOCATOR;

const STATES: usize = 100;
const EXECUTIONS: u64 = 200;

fn pass_chain() -> Value {
    chain(
        |i| json!({"Type": "Pass", "Result": {"step": i}, "ResultPath": "$.last"}),
        "JSONPath",
    )
}

/// The JSONata counterpart: each state keeps the input, records its step
/// and assigns a variable the next state reads.
fn jsonata_chain() -> Value {
    chain(
        |i| {
            json!({
                "Type": "Pass",
                "Output": {"order": "{% $states.input.order %}", "last": {"step": i}},
                "Assign": {"previous": i}
            })
        },
        "JSONata",
    )
}

fn chain(state_at: impl Fn(usize) -> Value, language: &str) -> Value {
    let mut states = serde_json::Map::new();
    for i in 0..STATES {
        let mut state = state_at(i);
        if i + 1 == STATES {
            state["End"] = json!(true);
        } else {
            state["Next"] = json!(format!("S{}", i + 1));
        }
        states.insert(format!("S{i}"), state);
    }
    json!({"QueryLanguage": language, "StartAt": "S0", "States": states})
}

/// A chain that failed at its first state would finish fast and measure
/// nothing: run one execution and insist on its output first.
async fn check_chain_succeeds(engine: &LocalEngine, machine: &Value) {
    let started = engine
        .call(
            "StartExecution",
            &json!({"stateMachineArn": machine, "input": "{\"order\":42}"}),
        )
        .await
        .expect("start");
    for _ in 0..1_000 {
        let described = engine
            .call(
                "DescribeExecution",
                &json!({"executionArn": started["executionArn"]}),
            )
            .await
            .expect("describe");
        if described["status"] != "RUNNING" {
            assert_eq!(described["status"], "SUCCEEDED", "{described}");
            let output: Value =
                serde_json::from_str(described["output"].as_str().unwrap_or("null"))
                    .expect("JSON output");
            assert_eq!(output["order"], 42, "{output}");
            assert_eq!(output["last"]["step"], STATES - 1, "{output}");
            return;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    panic!("the chain did not finish");
}

fn transitions(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let (engine, machines) = runtime.block_on(async {
        let engine = LocalEngine::builder()
            .retention(Retention {
                max_finished_executions: 1_000,
                ..Retention::default()
            })
            .start()
            .await
            .expect("engine");
        let mut machines = Vec::new();
        for (name, definition) in [
            ("pass_transitions", pass_chain()),
            ("jsonata_pass_transitions", jsonata_chain()),
        ] {
            let created = engine
                .call(
                    "CreateStateMachine",
                    &json!({
                        "name": name,
                        "definition": definition.to_string(),
                        "roleArn": "arn:aws:iam::123456789012:role/bench"
                    }),
                )
                .await
                .expect("state machine");
            let machine = created["stateMachineArn"].clone();
            check_chain_succeeds(&engine, &machine).await;
            machines.push((name, machine));
        }
        (engine, machines)
    });

    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Elements(EXECUTIONS * STATES as u64));
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(10));
    for (name, machine) in machines {
        let start = json!({"stateMachineArn": machine, "input": "{\"order\":42}"});
        group.bench_function(name, |b| {
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
    }
    group.finish();
}

criterion_group!(benches, transitions);
criterion_main!(benches);

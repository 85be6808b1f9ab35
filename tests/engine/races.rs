//! Races at one engine over real HTTP (127.0.0.1): many concurrent clients
//! fire StartExecution (same and different names, same and different
//! inputs), GetActivityTask, SendTaskSuccess/Failure/Heartbeat (some
//! twice at once, some late), StopExecution and RedriveExecution at plain,
//! Map (10 iterations) and Parallel executions, while a driver moves the
//! engine's ManualClock so heartbeat, task and execution timeouts fire in
//! between. Then a checker holds every answer against every history:
//!
//! - an accepted report is in its execution's history exactly once, in the
//!   run (first run or redrive) its token belongs to;
//! - a refused report (always `TaskTimedOut`) is in no history;
//! - at most one report per token is accepted;
//! - nothing follows an execution's final event but `ExecutionRedriven`;
//! - a SUCCEEDED execution's output is made of accepted results only (one
//!   per task, Map iteration or Parallel branch), so no runner of an
//!   ended run wrote on after a stop and a redrive;
//! - a poll hands out a task only with its `ActivityStarted` written (so
//!   never a task of a finished execution), and an empty poll started none;
//! - every token of a closed execution is refused, reports and heartbeats;
//! - identical StartExecution calls get one execution (one ARN, one start
//!   date, one `ExecutionStarted`), a different input gets
//!   `ExecutionAlreadyExists`; identical CreateActivity and
//!   CreateStateMachine calls get one ARN.
//!
//! The seed decides every client's plan (which call, which token, which
//! delay); the threads interleave as they will, which is the point. The
//! seed is printed, and repeated in every failure.
//!
//! Size: `RACE_ROUNDS` (default 3, a few seconds) and `RACE_SEED`:
//! `RACE_ROUNDS=200 cargo test --release --test engine races:: -- --nocapture`.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde_json::{json, Value};
use stepworker_local::{LocalEngine, ManualClock};

use crate::support::api;
use crate::support::api::Api;

/// Rounds of races when `RACE_ROUNDS` is unset.
const DEFAULT_ROUNDS: u64 = 3;
/// Executions started per round.
const EXECUTIONS: usize = 9;
/// Worker clients per round.
const WORKERS: usize = 6;
/// Polls one worker makes at most per round.
const POLLS_PER_WORKER: usize = 40;
/// Map iterations.
const ITEMS: usize = 10;
/// No round may take longer, whatever happens.
const ROUND_LIMIT: Duration = Duration::from_secs(60);

/// What one call answered.
#[derive(Debug, Clone)]
enum Answer {
    Ok(Value),
    Err(String),
}

impl Answer {
    fn is_ok(&self) -> bool {
        matches!(self, Answer::Ok(_))
    }
}

async fn call(api: &Api, operation: &str, body: Value) -> Answer {
    match api.call(operation, body).await {
        Ok(v) => Answer::Ok(v),
        Err(e) => Answer::Err(e.name().to_owned()),
    }
}

/// A task a poll handed out.
#[derive(Debug, Clone)]
struct Handed {
    token: String,
    /// The execution name its input carries.
    execution: String,
}

/// A report and its answer.
#[derive(Debug, Clone)]
struct Report {
    token: String,
    /// Unique id carried in the output (`{"r": id}`) or the error name.
    id: String,
    success: bool,
    answer: Answer,
}

/// Everything the clients saw in one run.
#[derive(Default)]
struct Log {
    /// `workerName` of each poll (unique) and what it got.
    polls: Vec<(String, Option<Handed>)>,
    reports: Vec<Report>,
    heartbeats: Vec<(String, Answer)>,
    /// Name, input, answer of each StartExecution.
    starts: Vec<(String, String, Answer)>,
    /// Tokens held back to be reported late.
    held: Vec<String>,
}

type Shared = Arc<Mutex<Log>>;

fn rounds() -> u64 {
    std::env::var("RACE_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_ROUNDS)
}

fn seed() -> u64 {
    std::env::var("RACE_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(rand::random)
}

fn single(activity: &str) -> Value {
    json!({
        "StartAt": "Work",
        "TimeoutSeconds": 6,
        "States": { "Work": {
            "Type": "Task", "Resource": activity,
            "HeartbeatSeconds": 2, "TimeoutSeconds": 4, "End": true
        } }
    })
}

fn map(activity: &str) -> Value {
    json!({
        "StartAt": "Fan",
        "States": { "Fan": {
            "Type": "Map", "ItemsPath": "$.items",
            "ItemProcessor": {
                "ProcessorConfig": { "Mode": "INLINE" },
                "StartAt": "Work",
                "States": { "Work": {
                    "Type": "Task", "Resource": activity, "HeartbeatSeconds": 2, "End": true
                } }
            },
            "End": true
        } }
    })
}

fn parallel(activity: &str) -> Value {
    let branch = |name: &str, timeout: u64| {
        json!({ "StartAt": name, "States": { name: {
            "Type": "Task", "Resource": activity, "TimeoutSeconds": timeout, "End": true
        } } })
    };
    json!({
        "StartAt": "Both",
        "States": { "Both": {
            "Type": "Parallel", "Branches": [branch("Left", 5), branch("Right", 3)], "End": true
        } }
    })
}

/// The input of execution `name` of machine kind `kind`: every task input
/// names its execution.
fn input_of(name: &str, kind: usize) -> String {
    if kind == 1 {
        let items: Vec<Value> = (0..ITEMS).map(|i| json!({"exec": name, "i": i})).collect();
        json!({ "exec": name, "items": items }).to_string()
    } else {
        json!({ "exec": name }).to_string()
    }
}

/// The same create six times at once: one ARN for all, or a problem.
async fn create_at_once(
    api: &Arc<Api>,
    operation: &'static str,
    field: &str,
    body: Value,
    problems: &mut Vec<String>,
) -> String {
    let calls: Vec<_> = (0..6)
        .map(|_| {
            let (api, body) = (api.clone(), body.clone());
            tokio::spawn(async move { call(&api, operation, body).await })
        })
        .collect();
    let mut arns: Vec<String> = Vec::new();
    for answer in futures_util::future::join_all(calls).await {
        match answer.expect("join") {
            Answer::Ok(v) => arns.push(v[field].as_str().unwrap_or_default().to_owned()),
            Answer::Err(e) => problems.push(format!("identical {operation} refused: {e}")),
        }
    }
    arns.dedup();
    if arns.len() != 1 {
        problems.push(format!("identical {operation} calls got {arns:?}"));
    }
    arns.pop().unwrap_or_default()
}

/// One worker client: polls, and does with each task what its plan says.
async fn worker(api: Arc<Api>, activity: String, log: Shared, mut rng: StdRng, tag: String) {
    let mut empty = 0;
    for n in 0..POLLS_PER_WORKER {
        let worker_name = format!("{tag}-p{n}");
        let answer = call(
            &api,
            "GetActivityTask",
            json!({ "activityArn": activity, "workerName": worker_name }),
        )
        .await;
        let task = match answer {
            Answer::Ok(v) => v,
            Answer::Err(e) => panic!("GetActivityTask refused: {e}"),
        };
        let Some(token) = task["taskToken"].as_str().map(str::to_owned) else {
            log.lock().unwrap().polls.push((worker_name, None));
            empty += 1;
            if empty >= 3 {
                break;
            }
            continue;
        };
        empty = 0;
        let input: Value =
            serde_json::from_str(task["input"].as_str().unwrap_or("{}")).unwrap_or_default();
        let execution = input["exec"].as_str().unwrap_or_default().to_owned();
        log.lock().unwrap().polls.push((
            worker_name.clone(),
            Some(Handed {
                token: token.clone(),
                execution,
            }),
        ));
        if rng.random_bool(0.3) {
            tokio::time::sleep(Duration::from_millis(rng.random_range(0..15))).await;
        }
        let id = format!("{worker_name}-r");
        match rng.random_range(0..10) {
            0..=3 => report(&api, &log, &token, format!("{id}0"), true).await,
            4 | 5 => report(&api, &log, &token, format!("{id}0"), false).await,
            6 => {
                heartbeat(&api, &log, &token).await;
                report(&api, &log, &token, format!("{id}0"), true).await;
            }
            7 => {
                // Two reports on one token at once.
                let (a, b) = (api.clone(), api.clone());
                let (la, lb) = (log.clone(), log.clone());
                let (ta, tb) = (token.clone(), token.clone());
                let (ia, ib) = (format!("{id}a"), format!("{id}b"));
                let first = tokio::spawn(async move { report(&a, &la, &ta, ia, true).await });
                let second = tokio::spawn(async move { report(&b, &lb, &tb, ib, false).await });
                first.await.expect("join");
                second.await.expect("join");
            }
            8 => log.lock().unwrap().held.push(token),
            // Dropped: only its timers end it.
            _ => {}
        }
    }
}

async fn report(api: &Api, log: &Shared, token: &str, id: String, success: bool) {
    let answer = if success {
        call(
            api,
            "SendTaskSuccess",
            json!({ "taskToken": token, "output": json!({ "r": id }).to_string() }),
        )
        .await
    } else {
        call(
            api,
            "SendTaskFailure",
            json!({ "taskToken": token, "error": format!("E.{id}"), "cause": "race" }),
        )
        .await
    };
    log.lock().unwrap().reports.push(Report {
        token: token.to_owned(),
        id,
        success,
        answer,
    });
}

async fn heartbeat(api: &Api, log: &Shared, token: &str) {
    let answer = call(api, "SendTaskHeartbeat", json!({ "taskToken": token })).await;
    log.lock()
        .unwrap()
        .heartbeats
        .push((token.to_owned(), answer));
}

/// One round: start executions, let workers, stoppers, redrivers, late
/// reporters and the clock race, then end everything that still runs.
async fn round(
    api: &Arc<Api>,
    clock: &ManualClock,
    activity: &str,
    machines: &[String],
    log: &Shared,
    round: u64,
    rng: &mut StdRng,
) -> BTreeMap<String, String> {
    // Name -> ARN of every execution this round.
    let mut names = BTreeMap::new();
    let mut starts = Vec::new();
    for e in 0..EXECUTIONS {
        let name = format!("r{round}-e{e}");
        let kind = e % machines.len();
        let input = input_of(&name, kind);
        let machine = machines[kind].clone();
        let arn = machine.replace(":stateMachine:", ":execution:") + ":" + &name;
        names.insert(name.clone(), arn);
        // Identical starts at once, and now and then one with another input.
        let copies = rng.random_range(1..4);
        let other = rng.random_bool(0.3);
        for c in 0..copies + usize::from(other) {
            let input = if c == copies {
                json!({ "exec": name, "other": true }).to_string()
            } else {
                input.clone()
            };
            let (api, log, machine, name) =
                (api.clone(), log.clone(), machine.clone(), name.clone());
            starts.push(tokio::spawn(async move {
                let answer = call(
                    &api,
                    "StartExecution",
                    json!({ "stateMachineArn": machine, "name": name, "input": input }),
                )
                .await;
                log.lock().unwrap().starts.push((name, input, answer));
            }));
        }
    }
    let arns: Vec<String> = names.values().cloned().collect();
    let mut clients = Vec::new();
    for w in 0..WORKERS {
        let seed = rng.random();
        clients.push(tokio::spawn(worker(
            api.clone(),
            activity.to_owned(),
            log.clone(),
            StdRng::seed_from_u64(seed),
            format!("r{round}-w{w}"),
        )));
    }
    // Stoppers and redrivers at random moments.
    for kind in ["StopExecution", "StopExecution", "RedriveExecution"] {
        let (api, arns) = (api.clone(), arns.clone());
        let mut rng = StdRng::seed_from_u64(rng.random());
        clients.push(tokio::spawn(async move {
            for _ in 0..6 {
                tokio::time::sleep(Duration::from_millis(rng.random_range(0..25))).await;
                let arn = &arns[rng.random_range(0..arns.len())];
                // Refusals (not redrivable, does not exist yet) are fine.
                let _ = call(&api, kind, json!({ "executionArn": arn })).await;
            }
        }));
    }
    // Late reports of held tokens, racing whatever ended their task.
    {
        let (api, log) = (api.clone(), log.clone());
        let mut rng = StdRng::seed_from_u64(rng.random());
        clients.push(tokio::spawn(async move {
            for n in 0..20 {
                tokio::time::sleep(Duration::from_millis(rng.random_range(5..30))).await;
                let held = log.lock().unwrap().held.pop();
                if let Some(token) = held {
                    let id = format!("r{round}-late{n}");
                    report(&api, &log, &token, id, rng.random_bool(0.5)).await;
                }
            }
        }));
    }
    // Time moves: heartbeat (2 s), task (3-5 s) and execution (6 s)
    // timeouts fire between the reports.
    {
        let clock = clock.clone();
        let mut rng = StdRng::seed_from_u64(rng.random());
        clients.push(tokio::spawn(async move {
            for _ in 0..15 {
                tokio::time::sleep(Duration::from_millis(rng.random_range(2..20))).await;
                clock.advance(Duration::from_millis(rng.random_range(0..1300)));
            }
        }));
    }
    for start in starts {
        start.await.expect("start");
    }
    for client in clients {
        client.await.expect("client");
    }
    // End what still runs, so every token of the round is closed.
    for arn in names.values() {
        let _ = call(api, "StopExecution", json!({ "executionArn": arn })).await;
    }
    names
}

/// Every event of an execution, oldest first.
async fn history(api: &Api, arn: &str) -> Vec<Value> {
    let mut events = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let mut body = json!({ "executionArn": arn, "maxResults": 1000 });
        if let Some(token) = &next {
            body["nextToken"] = json!(token);
        }
        let page = api.ok("GetExecutionHistory", body).await;
        events.extend(page["events"].as_array().cloned().unwrap_or_default());
        match page["nextToken"].as_str() {
            Some(token) => next = Some(token.to_owned()),
            None => return events,
        }
    }
}

const FINAL: [&str; 4] = [
    "ExecutionSucceeded",
    "ExecutionFailed",
    "ExecutionAborted",
    "ExecutionTimedOut",
];

/// What the checker reads of one history.
#[derive(Default)]
struct Read {
    /// Report id -> (run, count) of its ActivitySucceeded/ActivityFailed.
    reported: HashMap<String, (usize, usize)>,
    /// Worker name -> (run, count) of its ActivityStarted.
    started: HashMap<String, (usize, usize)>,
    /// The output of `ExecutionSucceeded`, if it succeeded.
    output: Option<Value>,
    /// Event types, oldest first, for the failure messages.
    types: Vec<String>,
}

fn read(arn: &str, events: &[Value], problems: &mut Vec<String>) -> Read {
    let mut read = Read::default();
    let mut run = 0;
    let types: Vec<&str> = events
        .iter()
        .map(|e| e["type"].as_str().unwrap_or_default())
        .collect();
    read.types = events
        .iter()
        .map(|e| {
            let kind = e["type"].as_str().unwrap_or_default();
            let detail = match kind {
                "ActivityStarted" => e["activityStartedEventDetails"]["workerName"].to_string(),
                "ActivitySucceeded" => e["activitySucceededEventDetails"]["output"].to_string(),
                "ActivityFailed" => e["activityFailedEventDetails"]["error"].to_string(),
                _ => String::new(),
            };
            format!("{}{kind}{detail}", e["id"])
        })
        .collect();
    if types.iter().filter(|t| **t == "ExecutionStarted").count() != 1 {
        problems.push(format!("{arn}: not one ExecutionStarted: {types:?}"));
    }
    for (i, event) in events.iter().enumerate() {
        let kind = types[i];
        if FINAL.contains(&kind) {
            if let Some(next) = types.get(i + 1) {
                if *next != "ExecutionRedriven" {
                    problems.push(format!("{arn}: {next} after {kind}: {types:?}"));
                }
            }
        }
        match kind {
            "ExecutionRedriven" => run += 1,
            "ExecutionSucceeded" => {
                let output = event["executionSucceededEventDetails"]["output"]
                    .as_str()
                    .unwrap_or_default();
                read.output = Some(serde_json::from_str(output).unwrap_or_default());
            }
            "ActivityStarted" => {
                let worker = event["activityStartedEventDetails"]["workerName"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
                let seen = read.started.entry(worker).or_insert((run, 0));
                seen.1 += 1;
            }
            "ActivitySucceeded" => {
                let output = event["activitySucceededEventDetails"]["output"]
                    .as_str()
                    .unwrap_or_default();
                let output: Value = serde_json::from_str(output).unwrap_or_default();
                let id = output["r"].as_str().unwrap_or_default().to_owned();
                read.reported.entry(id).or_insert((run, 0)).1 += 1;
            }
            "ActivityFailed" => {
                let error = event["activityFailedEventDetails"]["error"]
                    .as_str()
                    .unwrap_or_default();
                let id = error.strip_prefix("E.").unwrap_or(error).to_owned();
                read.reported.entry(id).or_insert((run, 0)).1 += 1;
            }
            _ => {}
        }
    }
    read
}

/// Holds every answer against every history; the contradictions found.
async fn check(api: &Api, names: &BTreeMap<String, String>, log: &Log) -> Vec<String> {
    let mut problems = Vec::new();
    let mut reads = HashMap::new();
    for (name, arn) in names {
        let described = call(api, "DescribeExecution", json!({ "executionArn": arn })).await;
        match described {
            Answer::Ok(d) if d["status"] == "RUNNING" => {
                problems.push(format!("{arn} still runs after StopExecution"))
            }
            Answer::Ok(_) => {
                let events = history(api, arn).await;
                reads.insert(name.clone(), read(arn, &events, &mut problems));
            }
            // Every start lost to a different input: never created.
            Answer::Err(_) => {}
        }
    }

    // Idempotent starts.
    let mut by_name: HashMap<&str, Vec<(&str, &Answer)>> = HashMap::new();
    for (name, input, answer) in &log.starts {
        by_name.entry(name).or_default().push((input, answer));
    }
    for (name, answers) in &by_name {
        let accepted: Vec<(&str, &Value)> = answers
            .iter()
            .filter_map(|(input, answer)| match answer {
                Answer::Ok(v) => Some((*input, v)),
                Answer::Err(_) => None,
            })
            .collect();
        let mut arns: Vec<String> = accepted
            .iter()
            .map(|(_, v)| format!("{}@{}", v["executionArn"], v["startDate"]))
            .collect();
        arns.dedup();
        let mut inputs: Vec<&str> = accepted.iter().map(|(input, _)| *input).collect();
        inputs.dedup();
        if arns.len() > 1 || inputs.len() > 1 {
            problems.push(format!(
                "{name}: starts accepted as {arns:?} with inputs {inputs:?}"
            ));
        }
        for (input, answer) in answers {
            if let Answer::Err(e) = answer {
                if e != "ExecutionAlreadyExists" {
                    problems.push(format!("{name}: start with {input} refused with {e}"));
                }
            }
        }
    }

    // Polls: a handed-out task has its start written, once; an empty poll
    // started nothing.
    let mut token_execution: HashMap<&str, (&str, &str)> = HashMap::new();
    for (worker, handed) in &log.polls {
        let found: Vec<(&String, (usize, usize))> = reads
            .iter()
            .filter_map(|(name, read)| read.started.get(worker).map(|s| (name, *s)))
            .collect();
        match handed {
            Some(handed) => {
                token_execution.insert(&handed.token, (&handed.execution, worker));
                let right =
                    found.len() == 1 && *found[0].0 == handed.execution && found[0].1 .1 == 1;
                if !right {
                    let history = reads.get(&handed.execution).map(|r| r.types.join(","));
                    let reports: Vec<_> = log
                        .reports
                        .iter()
                        .filter(|r| r.token == handed.token)
                        .map(|r| (&r.id, &r.answer))
                        .collect();
                    problems.push(format!(
                        "poll {worker} got a task of {} but its ActivityStarted is {found:?}; its reports {reports:?}; history {history:?}",
                        handed.execution
                    ));
                }
            }
            None if !found.is_empty() => {
                problems.push(format!(
                    "empty poll {worker} has ActivityStarted in {found:?}"
                ));
            }
            None => {}
        }
    }

    // Reports.
    let mut accepted_per_token: HashMap<&str, usize> = HashMap::new();
    let mut ids_seen = std::collections::HashSet::new();
    for report in &log.reports {
        let Some((execution, worker)) = token_execution.get(report.token.as_str()) else {
            problems.push(format!(
                "report {} on a token no poll handed out",
                report.id
            ));
            continue;
        };
        let read = reads.get(*execution);
        let in_history = read.and_then(|r| r.reported.get(&report.id)).copied();
        ids_seen.insert(report.id.clone());
        match &report.answer {
            Answer::Ok(_) => {
                *accepted_per_token.entry(&report.token).or_default() += 1;
                let token_run = read.and_then(|r| r.started.get(*worker)).map(|s| s.0);
                match in_history {
                    Some((run, 1)) if Some(run) == token_run => {}
                    other => problems.push(format!(
                        "accepted report {} (success: {}) of {execution} is in its history as {other:?}, its token's run is {token_run:?}; history: {:?}",
                        report.id, report.success, read.map(|r| r.types.join(","))
                    )),
                }
            }
            Answer::Err(e) => {
                if e != "TaskTimedOut" {
                    problems.push(format!("report {} refused with {e}", report.id));
                }
                if in_history.is_some() {
                    problems.push(format!(
                        "refused report {} of {execution} is in its history",
                        report.id
                    ));
                }
            }
        }
    }
    for (token, count) in accepted_per_token {
        if count > 1 {
            problems.push(format!(
                "{count} reports accepted on one token ({:?})",
                token_execution.get(token)
            ));
        }
    }
    for (name, read) in &reads {
        // A success is made of accepted results only: one per task, or
        // one per Map iteration or Parallel branch, none missing.
        if let Some(output) = &read.output {
            let parts = match output {
                Value::Array(parts) => parts.clone(),
                one => vec![one.clone()],
            };
            let whole = parts.iter().all(|part| {
                part["r"].as_str().is_some_and(|id| {
                    log.reports
                        .iter()
                        .any(|r| r.id == id && r.success && r.answer.is_ok())
                })
            });
            if !whole || parts.is_empty() {
                problems.push(format!(
                    "{name} succeeded with {output}, not made of accepted results"
                ));
            }
        }
        for id in read.reported.keys() {
            if !ids_seen.contains(id) {
                problems.push(format!(
                    "{name}: history reports {id}, which no client sent"
                ));
            }
        }
    }
    for (token, answer) in &log.heartbeats {
        if let Answer::Err(e) = answer {
            if e != "TaskTimedOut" {
                problems.push(format!(
                    "heartbeat refused with {e} ({:?})",
                    token_execution.get(token.as_str())
                ));
            }
        }
    }

    // Every token of a closed execution is refused.
    for (n, (_, handed)) in log.polls.iter().enumerate() {
        let Some(handed) = handed else { continue };
        let late = call(
            api,
            "SendTaskSuccess",
            json!({ "taskToken": handed.token, "output": json!({"r": format!("closed-{n}")}).to_string() }),
        )
        .await;
        let beat = call(
            api,
            "SendTaskHeartbeat",
            json!({ "taskToken": handed.token }),
        )
        .await;
        for (what, answer) in [("report", late), ("heartbeat", beat)] {
            match answer {
                Answer::Err(e) if e == "TaskTimedOut" => {}
                other => problems.push(format!(
                    "{what} on a token of closed {} answered {other:?}",
                    handed.execution
                )),
            }
        }
    }
    problems
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_answer_agrees_with_every_history_under_races() {
    let seed = seed();
    let rounds = rounds();
    eprintln!("local_races: seed {seed} (RACE_SEED), {rounds} rounds (RACE_ROUNDS)");
    let mut rng = StdRng::seed_from_u64(seed);
    let clock = ManualClock::starting_now();
    let api = Arc::new(
        Api::with(
            LocalEngine::builder()
                .clock(clock.clone())
                .poll_timeout(Duration::from_millis(60)),
        )
        .await,
    );
    let mut problems = Vec::new();
    let activity = create_at_once(
        &api,
        "CreateActivity",
        "activityArn",
        json!({ "name": "race-work" }),
        &mut problems,
    )
    .await;
    let mut machines = Vec::new();
    for (name, definition) in [
        ("race-single", single(&activity)),
        ("race-map", map(&activity)),
        ("race-parallel", parallel(&activity)),
    ] {
        let body =
            json!({ "name": name, "definition": definition.to_string(), "roleArn": api::ROLE });
        let arn = create_at_once(
            &api,
            "CreateStateMachine",
            "stateMachineArn",
            body,
            &mut problems,
        )
        .await;
        machines.push(arn);
    }
    assert!(problems.is_empty(), "seed {seed}: {problems:?}");

    let mut totals = (0usize, 0usize, 0usize, 0usize);
    for r in 0..rounds {
        let log: Shared = Arc::default();
        let names = tokio::time::timeout(
            ROUND_LIMIT,
            round(&api, &clock, &activity, &machines, &log, r, &mut rng),
        )
        .await
        .unwrap_or_else(|_| panic!("seed {seed}: round {r} did not end within {ROUND_LIMIT:?}"));
        let log = std::mem::take(&mut *log.lock().unwrap());
        let found = check(&api, &names, &log).await;
        totals.0 += names.len();
        totals.1 += log.polls.iter().filter(|(_, h)| h.is_some()).count();
        totals.2 += log.reports.len();
        totals.3 += log.reports.iter().filter(|r| r.answer.is_ok()).count();
        problems.extend(found.into_iter().map(|p| format!("round {r}: {p}")));
        if !problems.is_empty() {
            break;
        }
    }
    eprintln!(
        "local_races: {rounds} rounds, {} executions, {} tasks handed out, {} reports ({} accepted), {} contradictions",
        totals.0,
        totals.1,
        totals.2,
        totals.3,
        problems.len()
    );
    assert!(
        problems.is_empty(),
        "seed {seed} (RACE_SEED={seed}): {} contradictions:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Executions of the Map-under-stop race when `RACE_MAP_STOPS` is unset.
const DEFAULT_MAP_STOPS: usize = 8;

/// The issue's own race, many times: a Map's ten iterations report while
/// the execution is stopped. Every accepted result is in the history
/// before `ExecutionAborted`, no refused one is, and each refusal is
/// `TaskTimedOut`.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn map_iterations_reporting_during_a_stop_lose_nothing() {
    let runs = std::env::var("RACE_MAP_STOPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_MAP_STOPS);
    let api = Arc::new(Api::start().await);
    let activity = api.activity("map-stop").await;
    let machine = api.machine("map-stop", map(&activity)).await;
    let mut problems = Vec::new();
    let (mut accepted_total, mut refused_total) = (0, 0);
    for run in 0..runs {
        let name = format!("stop-{run}");
        let input = input_of(&name, 1);
        let started = api
            .ok(
                "StartExecution",
                json!({ "stateMachineArn": machine, "name": name, "input": input }),
            )
            .await;
        let arn = started["executionArn"].as_str().expect("arn").to_owned();
        let mut tokens = Vec::new();
        while tokens.len() < ITEMS {
            let task = api.poll(&activity, "w").await;
            if let Some(token) = task["taskToken"].as_str() {
                tokens.push(token.to_owned());
            }
        }
        let mut calls = Vec::new();
        for (i, token) in tokens.iter().enumerate() {
            let (api, token, id) = (api.clone(), token.clone(), format!("{name}-{i}"));
            calls.push(tokio::spawn(async move {
                let output = json!({ "r": id }).to_string();
                let answer = call(
                    &api,
                    "SendTaskSuccess",
                    json!({ "taskToken": token, "output": output }),
                )
                .await;
                (id, answer)
            }));
        }
        let stop = {
            let (api, arn) = (api.clone(), arn.clone());
            tokio::spawn(async move {
                call(&api, "StopExecution", json!({ "executionArn": arn })).await
            })
        };
        let mut answers = Vec::new();
        for c in calls {
            answers.push(c.await.expect("join"));
        }
        assert!(stop.await.expect("join").is_ok());
        let events = history(&api, &arn).await;
        let read = read(&arn, &events, &mut problems);
        for (id, answer) in &answers {
            let written = read.reported.get(id).map(|(_, count)| *count);
            match answer {
                Answer::Ok(_) => {
                    accepted_total += 1;
                    if written != Some(1) {
                        problems.push(format!(
                            "{name}: accepted {id} is written {written:?} times"
                        ));
                    }
                }
                Answer::Err(e) => {
                    refused_total += 1;
                    if e != "TaskTimedOut" || written.is_some() {
                        problems.push(format!(
                            "{name}: {id} refused with {e}, written {written:?}"
                        ));
                    }
                }
            }
        }
        let last = events
            .last()
            .and_then(|e| e["type"].as_str())
            .unwrap_or_default();
        if !FINAL.contains(&last) {
            problems.push(format!("{name}: history ends with {last}"));
        }
    }
    eprintln!(
        "map under stop: {runs} executions, {accepted_total} reports accepted, {refused_total} refused, {} contradictions",
        problems.len()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A stop that comes before the execution's runner has taken a step still
/// follows `ExecutionStarted`.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_stop_right_after_the_start_follows_execution_started() {
    let api = Arc::new(Api::start().await);
    let activity = api.activity("start-stop").await;
    let machine = api.machine("start-stop", single(&activity)).await;
    for n in 0..20 {
        let started = api
            .ok(
                "StartExecution",
                json!({ "stateMachineArn": machine, "name": format!("s{n}") }),
            )
            .await;
        let arn = started["executionArn"].as_str().expect("arn");
        api.ok("StopExecution", json!({ "executionArn": arn }))
            .await;
        let types = api.event_types(arn).await;
        assert_eq!(
            types.first().map(String::as_str),
            Some("ExecutionStarted"),
            "{types:?}"
        );
        assert_eq!(
            types.last().map(String::as_str),
            Some("ExecutionAborted"),
            "{types:?}"
        );
    }
}

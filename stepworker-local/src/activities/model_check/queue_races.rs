//! The activity queue and its parked polls under shuttle: tasks scheduled
//! while polls park, time out at any step or are dropped by their client,
//! and (in half the schedules) the execution stops and withdraws its
//! tasks, each poll then starting its task through the task table as
//! GetActivityTask does.

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::{select, Either};
use shuttle::future;
use shuttle::rand::Rng;

use super::explore::explore;
use super::history::{check_history, Event, Execution};
use super::queue::{ActivityQueue, QueuedTask};
use super::tasks::TaskTable;

const TASKS: [u64; 3] = [1, 2, 3];
const MAX_PARKED: usize = 8;
/// Polls each poller makes at most (a refused start polls again).
const POLLS: usize = 3;

fn queued(task_id: u64) -> QueuedTask {
    QueuedTask {
        task_id,
        token: format!("token-{task_id}"),
        input: Arc::from("{}"),
    }
}

/// GetActivityTask: poll, and start what came unless its execution ended
/// (then poll again); the task ids this poller handed out.
async fn get_activity_task(queue: Arc<ActivityQueue>, table: Arc<TaskTable>) -> Vec<u64> {
    let mut handed_out = Vec::new();
    for _ in 0..POLLS {
        let polled = queue.poll(Duration::from_secs(60), MAX_PARKED, None).await;
        let Ok(Some(task)) = polled else { break };
        if table.start(task.task_id, None, 0) {
            handed_out.push(task.task_id);
        }
    }
    handed_out
}

/// A client that hangs up: its poll parks, waits a few steps, and is
/// dropped; a task that reached it meanwhile must go back to the queue.
async fn abandoned_poll(queue: Arc<ActivityQueue>) -> Vec<u64> {
    let steps = shuttle::rand::thread_rng().gen_range(0..4u32);
    let hang_up = async move {
        for _ in 0..steps {
            future::yield_now().await;
        }
    };
    let poll = queue.poll(Duration::from_secs(60), MAX_PARKED, None);
    match select(std::pin::pin!(poll), std::pin::pin!(hang_up)).await {
        // It answered before the hang-up: a task it got is handed out.
        Either::Left((Ok(Some(task)), _)) => vec![task.task_id],
        _ => Vec::new(),
    }
}

fn one_schedule() {
    let queue = Arc::new(ActivityQueue::default());
    let table = Arc::new(TaskTable::default());
    let execution = Execution::running();
    let stops = shuttle::rand::thread_rng().gen_bool(0.5);
    // Each task's runner keeps its receiver: the task is waited on.
    let receivers: Vec<_> = TASKS
        .iter()
        .map(|&id| table.open(id, execution.log(id)))
        .collect();

    let pollers: Vec<_> = (0..2)
        .map(|_| future::spawn(get_activity_task(queue.clone(), table.clone())))
        .collect();
    let abandoned = future::spawn(abandoned_poll(queue.clone()));
    let scheduler = {
        let queue = queue.clone();
        future::spawn(async move {
            for id in TASKS {
                queue.schedule(queued(id));
                future::yield_now().await;
            }
        })
    };
    let stopper = stops.then(|| {
        let (queue, table, execution) = (queue.clone(), table.clone(), execution.clone());
        future::spawn(async move {
            // As `Core::end_execution`: end and void in one step, then take
            // the void tasks out of the queue.
            table.end_all(|| execution.stop().then(|| ((), TASKS.to_vec())));
            for id in TASKS {
                queue.withdraw(id);
            }
        })
    });

    let (handed_out, abandoned_got) = future::block_on(async move {
        scheduler.await.expect("scheduler");
        if let Some(stopper) = stopper {
            stopper.await.expect("stopper");
        }
        let mut handed_out = Vec::new();
        for poller in pollers {
            handed_out.extend(poller.await.expect("poller"));
        }
        (handed_out, abandoned.await.expect("abandoned poll"))
    });
    drop(receivers);

    let history = check_history(&execution);
    let mut all = handed_out.clone();
    all.extend(&abandoned_got);
    let mut unique = all.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), all.len(), "a task went to two polls: {all:?}");
    // A poll hands a task out only if it wrote ActivityStarted, which
    // cannot follow ExecutionAborted: no poll hands out a task of a
    // finished execution.
    for id in &handed_out {
        assert!(
            history.contains(&Event::Started(*id)),
            "task {id} handed out without its start: {history:?}"
        );
    }
    let (parked, pending) = queue.load();
    assert_eq!(parked, 0, "a finished poll stayed parked");
    if !stops {
        // No task lost: each went to exactly one poll or waits in the queue.
        assert_eq!(
            all.len() + pending,
            TASKS.len(),
            "handed out {all:?}, {pending} still queued"
        );
    }
}

/// Every scheduled task reaches exactly one poll or stays queued, however
/// polls park, time out and hang up; a task is handed out only with its
/// start in a running execution's history.
#[test]
fn parked_polls_never_lose_or_duplicate_a_task() {
    explore("activity queue", one_schedule);
}

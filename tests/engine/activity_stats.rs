//! The live activity load an embedding program reads beside the API.

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use stepworker_local::ActivityStats;

use crate::support::api::{one_task, Api};

async fn stats_of(api: &Api, activity: &str) -> ActivityStats {
    api.engine
        .activity_stats()
        .get(activity)
        .copied()
        .expect("every activity is reported")
}

#[tokio::test]
async fn activity_stats_count_parked_polls_and_queued_tasks() {
    let api = Arc::new(Api::start().await);
    let busy = api.activity("busy").await;
    let idle = api.activity("idle").await;
    let machine = api.machine("m", one_task(&busy)).await;
    for n in 0..2 {
        api.start_execution(&machine, json!({ "n": n })).await;
    }
    for _ in 0..400 {
        if stats_of(&api, &busy).await.queued_tasks == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let busy_now = stats_of(&api, &busy).await;
    assert_eq!((busy_now.parked_polls, busy_now.queued_tasks), (0, 2));

    let poll = tokio::spawn({
        let (api, idle) = (api.clone(), idle.clone());
        async move { api.poll(&idle, "w").await }
    });
    api.wait_for_parked_polls(&idle, 1).await;
    let idle_now = stats_of(&api, &idle).await;
    assert_eq!((idle_now.parked_polls, idle_now.queued_tasks), (1, 0));

    api.poll(&busy, "w").await;
    assert_eq!(stats_of(&api, &busy).await.queued_tasks, 1);
    api.ok("DeleteActivity", json!({ "activityArn": idle }))
        .await;
    poll.await.expect("deleting the activity answers its poll");
    assert!(!api.engine.activity_stats().contains_key(&idle));
}

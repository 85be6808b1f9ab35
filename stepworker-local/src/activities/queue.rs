//! One activity's scheduled tasks and parked long polls.
//!
//! A task goes to the longest-parked poll at once, else waits in FIFO order
//! for the next poll. Parked polls wake through a oneshot channel (no
//! sleep-and-recheck loop). A poll that goes away (its client hung up, its
//! future was dropped) never swallows a task: the task goes back to the head
//! of the line. Unless the poll came with a [`ClosedPollKeeper`]
//! (`--deliver-to-closed-polls`): then it stays parked until its deadline,
//! as on AWS, and the keeper decides what becomes of a task it is handed.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::time::Instant;

use super::sync::{self, Mutex};

/// A task waiting for, or handed to, a worker.
#[derive(Debug, Clone)]
pub struct QueuedTask {
    /// The engine's id of the task (sealed into the task token).
    pub task_id: u64,
    /// The task token handed to the worker.
    pub token: String,
    /// The task's input, JSON text.
    pub input: Arc<str>,
}

/// Why a poll could not park.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PollRefused {
    /// Too many polls are already parked on this activity.
    TooManyPollers,
}

/// Takes over a parked poll whose caller went away before it was answered.
pub type ClosedPollKeeper = Box<dyn FnOnce(ClosedPoll) + Send>;

/// A poll whose caller has gone but which stays parked until its deadline,
/// first in line like any other: a task scheduled meanwhile can reach it.
pub struct ClosedPoll {
    guard: ParkGuard,
    deadline: Instant,
}

impl ClosedPoll {
    /// Waits until the poll's deadline for a task (`None`: nothing came, or
    /// the activity was deleted or the engine stopped). Dropping it unparks
    /// the poll and gives back a task that reached it.
    pub async fn wait(self) -> Option<QueuedTask> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        self.guard.wait(left).await
    }
}

/// The queue of one activity.
#[derive(Debug, Default)]
pub struct ActivityQueue {
    state: Mutex<QueueState>,
}

#[derive(Debug, Default)]
struct QueueState {
    pending: VecDeque<QueuedTask>,
    parked: VecDeque<ParkedPoll>,
    next_poll_id: u64,
    deleted: bool,
    /// The engine is shutting down: polls answer empty at once.
    draining: bool,
}

#[derive(Debug)]
struct ParkedPoll {
    id: u64,
    sender: oneshot::Sender<QueuedTask>,
}

impl ActivityQueue {
    /// Hands `task` to the longest-parked live poll, or queues it.
    pub fn schedule(&self, task: QueuedTask) {
        let mut state = self.state.lock();
        Self::dispatch(&mut state, task, false);
    }

    /// Puts a task that a departed poll never received back at the head.
    fn give_back(&self, task: QueuedTask) {
        let mut state = self.state.lock();
        Self::dispatch(&mut state, task, true);
    }

    fn dispatch(state: &mut QueueState, mut task: QueuedTask, at_front: bool) {
        while let Some(poll) = state.parked.pop_front() {
            match poll.sender.send(task) {
                Ok(()) => return,
                // The poll's receiver is gone: try the next one.
                Err(returned) => task = returned,
            }
        }
        if at_front {
            state.pending.push_front(task);
        } else {
            state.pending.push_back(task);
        }
    }

    /// Waits up to `timeout` for a task. `None` when nothing came or the
    /// activity was deleted. If the poll is dropped while parked, `keeper`
    /// (if any) takes it over instead of unparking it.
    pub async fn poll(
        self: &Arc<Self>,
        timeout: Duration,
        max_parked: usize,
        keeper: Option<ClosedPollKeeper>,
    ) -> Result<Option<QueuedTask>, PollRefused> {
        let parked = {
            let mut state = self.state.lock();
            if state.draining {
                return Ok(None);
            }
            if let Some(task) = state.pending.pop_front() {
                return Ok(Some(task));
            }
            if state.deleted {
                return Ok(None);
            }
            if state.parked.len() >= max_parked {
                return Err(PollRefused::TooManyPollers);
            }
            let (sender, receiver) = oneshot::channel();
            let id = state.next_poll_id;
            state.next_poll_id += 1;
            state.parked.push_back(ParkedPoll { id, sender });
            ParkGuard {
                queue: self.clone(),
                id,
                receiver: Some(receiver),
                keeper: keeper.map(|keeper| (keeper, Instant::now() + timeout)),
            }
        };
        Ok(parked.wait(timeout).await)
    }

    /// Marks the activity deleted and answers every parked poll (empty).
    pub fn close(&self) -> Vec<QueuedTask> {
        let mut state = self.state.lock();
        state.deleted = true;
        // Dropping the senders wakes the receivers with "closed".
        state.parked.clear();
        state.pending.drain(..).collect()
    }

    /// Answers every parked poll with no task, keeping queued tasks, and
    /// every later poll too (engine shutdown).
    pub fn drain_polls(&self) {
        let mut state = self.state.lock();
        state.draining = true;
        state.parked.clear();
    }

    /// Removes a task that will never be delivered (its execution ended).
    pub fn withdraw(&self, task_id: u64) {
        self.state.lock().pending.retain(|t| t.task_id != task_id);
    }

    /// Number of polls parked now.
    pub fn parked_polls(&self) -> usize {
        self.state.lock().parked.len()
    }

    /// Parked polls and queued tasks now, read under one lock.
    pub fn load(&self) -> (usize, usize) {
        let state = self.state.lock();
        (state.parked.len(), state.pending.len())
    }
}

/// A parked poll. Dropping it before it finished (the HTTP client hung up)
/// unparks it and gives back any task that reached it meanwhile.
struct ParkGuard {
    queue: Arc<ActivityQueue>,
    id: u64,
    receiver: Option<oneshot::Receiver<QueuedTask>>,
    /// Who takes the poll over if it is dropped while parked, and the
    /// poll's deadline.
    keeper: Option<(ClosedPollKeeper, Instant)>,
}

impl ParkGuard {
    async fn wait(mut self, timeout: Duration) -> Option<QueuedTask> {
        let receiver = self.receiver.as_mut()?;
        match sync::timeout(timeout, receiver).await {
            Ok(Ok(task)) => {
                self.receiver = None;
                Some(task)
            }
            // Sender dropped: the activity was deleted.
            Ok(Err(_)) => {
                self.receiver = None;
                None
            }
            Err(_elapsed) => self.unpark(),
        }
    }

    /// Leaves the parked list; a task sent just before is returned, not lost.
    fn unpark(&mut self) -> Option<QueuedTask> {
        let mut receiver = self.receiver.take()?;
        {
            let mut state = self.queue.state.lock();
            state.parked.retain(|p| p.id != self.id);
        }
        // Sends happen under the lock, so after leaving the list either a
        // task is already in the channel or none ever will be.
        receiver.close();
        receiver.try_recv().ok()
    }
}

impl Drop for ParkGuard {
    fn drop(&mut self) {
        if self.receiver.is_some() {
            if let Some((keeper, deadline)) = self.keeper.take() {
                // Still parked: the keeper holds the receiver from now on.
                let guard = ParkGuard {
                    queue: self.queue.clone(),
                    id: self.id,
                    receiver: self.receiver.take(),
                    keeper: None,
                };
                keeper(ClosedPoll { guard, deadline });
                return;
            }
        }
        if let Some(task) = self.unpark() {
            self.queue.give_back(task);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(id: u64) -> QueuedTask {
        QueuedTask {
            task_id: id,
            token: format!("t{id}"),
            input: Arc::from("{}"),
        }
    }

    #[tokio::test]
    async fn queued_tasks_go_out_in_order() {
        let q = Arc::new(ActivityQueue::default());
        q.schedule(task(1));
        q.schedule(task(2));
        let a = q.poll(Duration::from_millis(10), 10, None).await;
        let b = q.poll(Duration::from_millis(10), 10, None).await;
        assert_eq!(a.ok().flatten().map(|t| t.task_id), Some(1));
        assert_eq!(b.ok().flatten().map(|t| t.task_id), Some(2));
    }

    #[tokio::test]
    async fn parked_polls_are_served_first_come_first_served() {
        let q = Arc::new(ActivityQueue::default());
        let first = tokio::spawn({
            let q = q.clone();
            async move { q.poll(Duration::from_secs(5), 10, None).await }
        });
        while q.parked_polls() < 1 {
            tokio::task::yield_now().await;
        }
        let second = tokio::spawn({
            let q = q.clone();
            async move { q.poll(Duration::from_secs(5), 10, None).await }
        });
        while q.parked_polls() < 2 {
            tokio::task::yield_now().await;
        }
        q.schedule(task(1));
        q.schedule(task(2));
        let first = first.await.expect("join").ok().flatten().map(|t| t.task_id);
        let second = second
            .await
            .expect("join")
            .ok()
            .flatten()
            .map(|t| t.task_id);
        assert_eq!((first, second), (Some(1), Some(2)));
    }

    #[tokio::test]
    async fn a_dropped_poll_does_not_swallow_a_task() {
        let q = Arc::new(ActivityQueue::default());
        let poll = tokio::spawn({
            let q = q.clone();
            async move { q.poll(Duration::from_secs(5), 10, None).await }
        });
        while q.parked_polls() < 1 {
            tokio::task::yield_now().await;
        }
        poll.abort();
        let _ = poll.await;
        q.schedule(task(7));
        let next = q.poll(Duration::from_millis(10), 10, None).await;
        assert_eq!(next.ok().flatten().map(|t| t.task_id), Some(7));
    }

    #[tokio::test]
    async fn empty_poll_times_out_and_limit_is_enforced() {
        let q = Arc::new(ActivityQueue::default());
        assert!(matches!(
            q.poll(Duration::from_millis(5), 1, None).await,
            Ok(None)
        ));
        let parked = tokio::spawn({
            let q = q.clone();
            async move { q.poll(Duration::from_secs(5), 1, None).await }
        });
        while q.parked_polls() < 1 {
            tokio::task::yield_now().await;
        }
        let refused = q.poll(Duration::from_millis(5), 1, None).await;
        assert_eq!(refused.err(), Some(PollRefused::TooManyPollers));
        q.close();
        assert!(matches!(parked.await.expect("join"), Ok(None)));
    }

    #[tokio::test]
    async fn draining_answers_parked_and_later_polls_at_once() {
        let q = Arc::new(ActivityQueue::default());
        let parked = tokio::spawn({
            let q = q.clone();
            async move { q.poll(Duration::from_secs(30), 10, None).await }
        });
        while q.parked_polls() < 1 {
            tokio::task::yield_now().await;
        }
        q.schedule(task(1));
        let delivered = parked.await.expect("join");
        assert_eq!(delivered.ok().flatten().map(|t| t.task_id), Some(1));
        let parked = tokio::spawn({
            let q = q.clone();
            async move { q.poll(Duration::from_secs(30), 10, None).await }
        });
        while q.parked_polls() < 1 {
            tokio::task::yield_now().await;
        }
        q.drain_polls();
        let answered = tokio::time::timeout(Duration::from_secs(2), parked).await;
        assert!(matches!(answered, Ok(Ok(Ok(None)))));
        q.schedule(task(2));
        let late = tokio::time::timeout(
            Duration::from_secs(2),
            q.poll(Duration::from_secs(30), 10, None),
        )
        .await;
        assert!(
            matches!(late, Ok(Ok(None))),
            "a poll after draining must not park"
        );
        assert_eq!(q.load(), (0, 1), "the queued task stays queued");
    }
}

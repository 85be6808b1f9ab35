//! The channel from the task table to the runner waiting on a token: the
//! events the table accepted for it, in order.
//!
//! One exists per open token, so per waiting execution, and most carry
//! nothing for minutes. tokio's unbounded channel allocated a block of 32
//! events (about 2 KB) as soon as it was made; this one holds an empty
//! queue, which allocates only when an event arrives, and a `Notify` for
//! the one reader. A token sees at most a few events (started, heartbeats,
//! one report), all sent under the table's lock, so the queue's own lock
//! is never contended for long.
//!
//! Same contract as an unbounded mpsc channel with one receiver: events are
//! read in the order they were sent; once the sender is gone (the token
//! closed) the reader drains what was sent and then reads the end; once
//! the reader is gone, the sender reports the channel closed.

use std::collections::VecDeque;
use std::sync::Arc;

use tokio::sync::Notify;

use super::sync::Mutex;
use super::tasks::TaskEvent;

/// Makes a channel for one token's events.
pub fn inbox() -> (InboxSender, Inbox) {
    let shared = Arc::new(Shared {
        state: Mutex::new(State {
            queue: VecDeque::new(),
            sender_gone: false,
            reader_gone: false,
        }),
        arrived: Notify::new(),
    });
    (
        InboxSender {
            shared: shared.clone(),
        },
        Inbox { shared },
    )
}

struct Shared {
    state: Mutex<State>,
    /// Woken on each send and when the sender goes. `notify_one` keeps a
    /// permit when the reader is not waiting yet, so a send between the
    /// reader's check and its wait still wakes it.
    arrived: Notify,
}

struct State {
    queue: VecDeque<TaskEvent>,
    sender_gone: bool,
    reader_gone: bool,
}

/// The table's end of a token's channel.
pub struct InboxSender {
    shared: Arc<Shared>,
}

impl InboxSender {
    /// True once the reader is gone: its runner waits no more.
    pub fn is_closed(&self) -> bool {
        self.shared.state.lock().reader_gone
    }

    /// Queues `event` for the reader; gives it back if the reader is gone.
    pub fn send(&self, event: TaskEvent) -> Result<(), TaskEvent> {
        {
            let mut state = self.shared.state.lock();
            if state.reader_gone {
                return Err(event);
            }
            state.queue.push_back(event);
        }
        self.shared.arrived.notify_one();
        Ok(())
    }
}

impl Drop for InboxSender {
    fn drop(&mut self) {
        self.shared.state.lock().sender_gone = true;
        self.shared.arrived.notify_one();
    }
}

/// Why [`Inbox::try_recv`] returned no event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TryRecvError {
    /// Nothing queued; the sender may still send.
    Empty,
    /// Nothing queued and the sender is gone: nothing more will come.
    Disconnected,
}

/// The runner's end of a token's channel.
pub struct Inbox {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Inbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inbox").finish_non_exhaustive()
    }
}

impl Inbox {
    /// The next event, without waiting.
    pub fn try_recv(&mut self) -> Result<TaskEvent, TryRecvError> {
        let mut state = self.shared.state.lock();
        match state.queue.pop_front() {
            Some(event) => Ok(event),
            None if state.sender_gone => Err(TryRecvError::Disconnected),
            None => Err(TryRecvError::Empty),
        }
    }

    /// The next event; `None` once the sender is gone and everything it
    /// sent was read. Cancel-safe: an event stays queued until a call
    /// returns it.
    pub async fn recv(&mut self) -> Option<TaskEvent> {
        loop {
            match self.try_recv() {
                Ok(event) => return Some(event),
                Err(TryRecvError::Disconnected) => return None,
                // A wake may be left over from an event already read:
                // the loop checks again.
                Err(TryRecvError::Empty) => self.shared.arrived.notified().await,
            }
        }
    }
}

impl Drop for Inbox {
    fn drop(&mut self) {
        let unread = {
            let mut state = self.shared.state.lock();
            state.reader_gone = true;
            std::mem::take(&mut state.queue)
        };
        // Dropped outside the lock: an event may own large JSON.
        drop(unread);
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn heartbeat(at_millis: i64) -> TaskEvent {
        TaskEvent::Heartbeat { at_millis }
    }

    #[test]
    fn events_arrive_in_order_then_the_end() {
        let (sender, mut inbox) = inbox();
        assert_eq!(inbox.try_recv(), Err(TryRecvError::Empty));
        sender.send(heartbeat(1)).expect("reader is there");
        sender.send(heartbeat(2)).expect("reader is there");
        drop(sender);
        assert_eq!(inbox.try_recv(), Ok(heartbeat(1)));
        assert_eq!(inbox.try_recv(), Ok(heartbeat(2)));
        assert_eq!(inbox.try_recv(), Err(TryRecvError::Disconnected));
    }

    #[test]
    fn a_sender_knows_when_its_reader_left() {
        let (sender, inbox) = inbox();
        assert!(!sender.is_closed());
        drop(inbox);
        assert!(sender.is_closed());
        assert_eq!(sender.send(heartbeat(1)), Err(heartbeat(1)));
    }

    #[tokio::test]
    async fn a_waiting_reader_wakes_on_a_send_and_on_the_end() {
        let (sender, mut inbox) = inbox();
        let reader = tokio::spawn(async move {
            let first = inbox.recv().await;
            let end = inbox.recv().await;
            (first, end)
        });
        tokio::time::sleep(Duration::from_millis(5)).await;
        sender.send(heartbeat(7)).expect("reader is there");
        tokio::time::sleep(Duration::from_millis(5)).await;
        drop(sender);
        let (first, end) = tokio::time::timeout(Duration::from_secs(10), reader)
            .await
            .expect("reader woke")
            .expect("reader ran");
        assert_eq!(first, Some(heartbeat(7)));
        assert_eq!(end, None);
    }

    #[tokio::test]
    async fn a_cancelled_wait_loses_no_event() {
        let (sender, mut inbox) = inbox();
        // A wait abandoned by a select (the biased wait in `report_wait`)...
        let abandoned = tokio::time::timeout(Duration::from_millis(1), inbox.recv()).await;
        assert!(abandoned.is_err());
        // ...leaves an event sent afterwards for the next wait.
        sender.send(heartbeat(3)).expect("reader is there");
        let next = tokio::time::timeout(Duration::from_secs(10), inbox.recv()).await;
        assert_eq!(next.expect("woke"), Some(heartbeat(3)));
    }

    /// The point of the type: an open token with no events allocates no
    /// queue, only the shared lock and wake-up (the model-checked copy's
    /// lock is larger, so the bound is over the lock).
    #[test]
    fn an_empty_inbox_allocates_no_queue() {
        let (_sender, inbox) = inbox();
        assert_eq!(inbox.shared.state.lock().queue.capacity(), 0);
        let beside_the_lock = std::mem::size_of::<Shared>() - std::mem::size_of::<Mutex<State>>();
        assert!(beside_the_lock <= 64, "grew to {beside_the_lock} bytes");
    }
}

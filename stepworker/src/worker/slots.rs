//! Concurrency slots: a poller holds one from before its poll until the task
//! it got is reported, so every task handed out starts at once.

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

use super::metrics;

/// A fixed number of slots shared by all pollers of a worker.
#[derive(Clone, Debug)]
pub(crate) struct Slots {
    semaphore: Arc<Semaphore>,
    capacity: usize,
}

/// One held slot; dropping it frees the slot.
#[derive(Debug)]
pub(crate) struct Slot {
    _permit: OwnedSemaphorePermit,
}

impl Slots {
    pub(crate) fn new(capacity: usize) -> Self {
        let capacity = capacity.clamp(1, Semaphore::MAX_PERMITS);
        Self {
            semaphore: Arc::new(Semaphore::new(capacity)),
            capacity,
        }
    }

    /// Waits for a free slot, recording the wait for `activity`.
    pub(crate) async fn acquire(&self, activity: &str) -> Slot {
        let started = Instant::now();
        let permit = match Arc::clone(&self.semaphore).acquire_owned().await {
            Ok(permit) => permit,
            // The semaphore is never closed, so this cannot happen; waiting
            // forever is the answer that keeps the slot count true if it did.
            Err(_closed) => std::future::pending().await,
        };
        metrics::slot_wait(activity, started.elapsed());
        Slot { _permit: permit }
    }

    /// Slots held right now (by polls and by running tasks).
    pub(crate) fn in_use(&self) -> usize {
        self.capacity - self.semaphore.available_permits()
    }

    /// Slots free right now.
    pub(crate) fn available(&self) -> usize {
        self.semaphore.available_permits()
    }

    /// The number of slots.
    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn never_hands_out_more_slots_than_it_has() {
        let slots = Slots::new(2);
        let first = slots.acquire("a").await;
        let _second = slots.acquire("a").await;
        assert_eq!(slots.in_use(), 2);
        let third = tokio::time::timeout(Duration::from_millis(20), slots.acquire("a")).await;
        assert!(third.is_err(), "a third slot was handed out");
        drop(first);
        let third = tokio::time::timeout(Duration::from_millis(200), slots.acquire("a")).await;
        assert!(third.is_ok(), "a freed slot was not handed out again");
        assert_eq!(slots.in_use(), 2);
    }

    #[test]
    fn has_at_least_one_slot() {
        assert_eq!(Slots::new(0).capacity(), 1);
    }
}

//! Concurrency slots: a poller holds one from before its poll until the task
//! it got is reported, so every task handed out starts at once.
//!
//! Each activity has one slot of its own and the others are shared, so an
//! activity whose pollers hold every shared slot cannot starve another: each
//! one can always keep a poll open. An activity may also have a cap of its
//! own on tasks at once, and on tasks started per second.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

use super::metrics;
use super::sync;

/// The slots of a worker: one per activity, the rest shared.
#[derive(Clone, Debug)]
pub(crate) struct Slots {
    shared: Arc<Semaphore>,
    capacity: usize,
}

/// What one activity takes slots from.
#[derive(Debug)]
pub(crate) struct ActivitySlots {
    /// Its own slot, which no other activity can take.
    reserved: Arc<Semaphore>,
    /// Its cap on tasks at once, when it has one.
    cap: Option<Arc<Semaphore>>,
    /// Its cap on tasks started per second, when it has one.
    rate: Option<StartRate>,
}

/// One held slot; dropping it frees the slot (and the activity's cap).
#[derive(Debug)]
pub(crate) struct Slot {
    _permit: OwnedSemaphorePermit,
    _cap: Option<OwnedSemaphorePermit>,
}

/// Per-activity limits, as the builder was given them.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct ActivityLimits {
    pub(crate) max_concurrent: Option<usize>,
    pub(crate) max_per_second: Option<f64>,
}

impl Slots {
    /// `concurrency` slots in all, at least one per activity: each of the
    /// `activities` gets one of its own, and the rest are shared.
    pub(crate) fn new(concurrency: usize, activities: usize) -> Self {
        let capacity = concurrency.max(activities).clamp(1, Semaphore::MAX_PERMITS);
        Self {
            shared: Arc::new(Semaphore::new(capacity - activities.min(capacity))),
            capacity,
        }
    }

    /// Waits for a slot for `activity`: its own if free, else a shared one;
    /// within its caps. Records the wait.
    pub(crate) async fn acquire(&self, activity: &str, slots: &ActivitySlots) -> Slot {
        let started = sync::now();
        if let Some(rate) = &slots.rate {
            rate.wait().await;
        }
        let cap = match &slots.cap {
            Some(cap) => Some(permit(Arc::clone(cap).acquire_owned().await).await),
            None => None,
        };
        let permit = tokio::select! {
            biased;
            own = Arc::clone(&slots.reserved).acquire_owned() => permit(own).await,
            shared = Arc::clone(&self.shared).acquire_owned() => permit(shared).await,
        };
        metrics::slot_wait(activity, sync::now() - started);
        Slot {
            _permit: permit,
            _cap: cap,
        }
    }

    /// Shared slots free right now.
    pub(crate) fn available(&self) -> usize {
        self.shared.available_permits()
    }

    /// The number of slots.
    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }
}

impl ActivitySlots {
    pub(crate) fn new(limits: ActivityLimits) -> Self {
        Self {
            reserved: Arc::new(Semaphore::new(1)),
            cap: limits
                .max_concurrent
                .map(|max| Arc::new(Semaphore::new(max.clamp(1, Semaphore::MAX_PERMITS)))),
            rate: limits.max_per_second.and_then(StartRate::new),
        }
    }

    /// Whether its own slot is held.
    pub(crate) fn reserved_in_use(&self) -> bool {
        self.reserved.available_permits() == 0
    }
}

/// The permit, or (the semaphores are never closed, so never) a wait that
/// does not end: the answer that keeps the slot count true.
async fn permit(
    acquired: Result<OwnedSemaphorePermit, tokio::sync::AcquireError>,
) -> OwnedSemaphorePermit {
    match acquired {
        Ok(permit) => permit,
        Err(_closed) => std::future::pending().await,
    }
}

/// Spaces task starts evenly: at most one every `1 / rate` seconds.
#[derive(Debug)]
struct StartRate {
    gap: Duration,
    next: Mutex<Option<Instant>>,
}

impl StartRate {
    /// `None` for a rate that is not a positive number.
    fn new(per_second: f64) -> Option<Self> {
        (per_second.is_finite() && per_second > 0.0).then(|| Self {
            gap: Duration::from_secs_f64(1.0 / per_second),
            next: Mutex::new(None),
        })
    }

    /// Takes the next start time and waits for it.
    async fn wait(&self) {
        let at = {
            let mut next = self
                .next
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let at = next.map_or_else(sync::now, |next| next.max(sync::now()));
            *next = Some(at + self.gap);
            at
        };
        sync::sleep_until(at).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn never_hands_out_more_slots_than_it_has() {
        let slots = Slots::new(2, 1);
        let a = ActivitySlots::new(ActivityLimits::default());
        let first = slots.acquire("a", &a).await;
        let _second = slots.acquire("a", &a).await;
        let third = tokio::time::timeout(Duration::from_secs(5), slots.acquire("a", &a)).await;
        assert!(third.is_err(), "a third slot was handed out");
        drop(first);
        let third = tokio::time::timeout(Duration::from_secs(5), slots.acquire("a", &a)).await;
        assert!(third.is_ok(), "a freed slot was not handed out again");
    }

    #[tokio::test(start_paused = true)]
    async fn an_activity_keeps_its_own_slot_when_another_holds_every_shared_one() {
        let slots = Slots::new(3, 2);
        let (busy, quiet) = (
            ActivitySlots::new(ActivityLimits::default()),
            ActivitySlots::new(ActivityLimits::default()),
        );
        let _held: Vec<Slot> = vec![
            slots.acquire("busy", &busy).await,
            slots.acquire("busy", &busy).await,
        ];
        let starved =
            tokio::time::timeout(Duration::from_secs(5), slots.acquire("busy", &busy)).await;
        assert!(
            starved.is_err(),
            "busy took more than its own and the shared slot"
        );
        let own =
            tokio::time::timeout(Duration::from_secs(5), slots.acquire("quiet", &quiet)).await;
        assert!(own.is_ok(), "quiet was starved by busy");
        assert!(quiet.reserved_in_use());
    }

    #[tokio::test(start_paused = true)]
    async fn an_activity_cap_holds_below_the_worker_concurrency() {
        let slots = Slots::new(10, 1);
        let capped = ActivitySlots::new(ActivityLimits {
            max_concurrent: Some(2),
            max_per_second: None,
        });
        let _a = slots.acquire("c", &capped).await;
        let _b = slots.acquire("c", &capped).await;
        let third = tokio::time::timeout(Duration::from_secs(5), slots.acquire("c", &capped)).await;
        assert!(third.is_err(), "the cap of 2 let a third task start");
        // Its own slot, then one of the 9 shared.
        assert_eq!(slots.available(), 8);
    }

    #[tokio::test(start_paused = true)]
    async fn starts_are_spaced_by_the_rate() {
        let slots = Slots::new(100, 1);
        let paced = ActivitySlots::new(ActivityLimits {
            max_concurrent: None,
            max_per_second: Some(4.0),
        });
        let begin = Instant::now();
        let mut held = Vec::new();
        for _ in 0..9 {
            held.push(slots.acquire("p", &paced).await);
        }
        // The first at once, then one every 250 ms.
        assert_eq!(begin.elapsed(), Duration::from_secs(2));
    }

    #[test]
    fn has_at_least_one_slot_per_activity() {
        assert_eq!(Slots::new(0, 0).capacity(), 1);
        assert_eq!(Slots::new(2, 5).capacity(), 5);
        assert_eq!(Slots::new(8, 3).available(), 5);
    }
}

//! How many pollers one activity runs: a fixed number, or a number that
//! follows the load between a minimum and a maximum.

use std::sync::atomic::{AtomicUsize, Ordering};

/// The poller bounds of one activity and how many run right now.
///
/// With `min == max` the count never moves. Otherwise a poll that brought a
/// task while slots are free adds a poller (work is waiting and there is room
/// to take more of it), and a poll that came back empty retires its poller
/// (a long poll that waited its full time found nothing, so one fewer would
/// have done as well), never going past either bound.
#[derive(Debug)]
pub(crate) struct PollerCount {
    min: usize,
    max: usize,
    running: AtomicUsize,
}

impl PollerCount {
    /// Bounds for one activity; `min` is raised to 1 and `max` to `min`.
    pub(crate) fn new(min: usize, max: usize) -> Self {
        let min = min.max(1);
        Self {
            min,
            max: max.max(min),
            running: AtomicUsize::new(0),
        }
    }

    /// Pollers to start with.
    pub(crate) fn initial(&self) -> usize {
        self.min
    }

    /// Counts a poller that is about to start.
    pub(crate) fn started(&self) {
        self.running.fetch_add(1, Ordering::SeqCst);
    }

    /// Counts one more poller if that stays within the maximum; the caller
    /// then starts it.
    pub(crate) fn try_add(&self) -> bool {
        self.running
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |running| {
                (running < self.max).then_some(running + 1)
            })
            .is_ok()
    }

    /// Counts one poller fewer if that stays within the minimum; the caller
    /// then stops.
    pub(crate) fn try_retire(&self) -> bool {
        self.running
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |running| {
                (running > self.min).then(|| running - 1)
            })
            .is_ok()
    }

    /// Pollers running now.
    pub(crate) fn running(&self) -> usize {
        self.running.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_running(min: usize, max: usize, running: usize) -> PollerCount {
        let count = PollerCount::new(min, max);
        for _ in 0..running {
            count.started();
        }
        count
    }

    #[test]
    fn grows_up_to_the_maximum_only() {
        let count = with_running(1, 3, 1);
        assert!(count.try_add());
        assert!(count.try_add());
        assert!(!count.try_add(), "a fourth poller was allowed");
        assert_eq!(count.running(), 3);
    }

    #[test]
    fn retires_down_to_the_minimum_only() {
        let count = with_running(2, 4, 4);
        assert!(count.try_retire());
        assert!(count.try_retire());
        assert!(!count.try_retire(), "went below the minimum");
        assert_eq!(count.running(), 2);
    }

    #[test]
    fn a_fixed_count_never_moves() {
        let count = with_running(4, 4, 4);
        assert!(!count.try_add());
        assert!(!count.try_retire());
        assert_eq!(count.running(), 4);
    }

    #[test]
    fn bounds_are_made_consistent() {
        let raised = PollerCount::new(0, 0);
        assert_eq!((raised.min, raised.max), (1, 1));
        let inverted = PollerCount::new(5, 2);
        assert_eq!((inverted.min, inverted.max), (5, 5));
        assert_eq!(inverted.initial(), 5);
    }
}

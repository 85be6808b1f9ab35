//! One time budget for a whole request or state evaluation, shared by every
//! JSONata expression it runs: each expression also has its own timeout,
//! but a state with a thousand slow expressions must not run a thousand
//! times that long.
//!
//! Evaluation is synchronous, so the budget lives in a thread-local set
//! around the work; nested budgets keep the earlier deadline.

use std::cell::Cell;
use std::time::{Duration, Instant};

thread_local! {
    static DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// Runs `work` with at most `budget` for the JSONata evaluations inside it
/// (less if an enclosing budget ends sooner).
pub fn with_budget<R>(budget: Duration, work: impl FnOnce() -> R) -> R {
    let outer = DEADLINE.with(Cell::get);
    let mine = Instant::now().checked_add(budget);
    let deadline = match (outer, mine) {
        (Some(outer), Some(mine)) => Some(outer.min(mine)),
        (outer, mine) => outer.or(mine),
    };
    DEADLINE.with(|d| d.set(deadline));
    // Restored even if `work` panics, so a caught panic cannot leave a
    // stale deadline on a reused thread.
    struct Restore(Option<Instant>);
    impl Drop for Restore {
        fn drop(&mut self) {
            DEADLINE.with(|d| d.set(self.0));
        }
    }
    let _restore = Restore(outer);
    work()
}

/// Time left in the current budget; `None` when no budget is set.
pub fn remaining() -> Option<Duration> {
    DEADLINE
        .with(Cell::get)
        .map(|deadline| deadline.saturating_duration_since(Instant::now()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_budgets_keep_the_earlier_deadline_and_restore() {
        assert_eq!(remaining(), None);
        with_budget(Duration::from_secs(1), || {
            let outer = remaining().expect("set");
            assert!(outer <= Duration::from_secs(1));
            with_budget(Duration::from_secs(100), || {
                assert!(remaining().expect("set") <= Duration::from_secs(1));
            });
            with_budget(Duration::ZERO, || {
                assert_eq!(remaining(), Some(Duration::ZERO));
            });
            assert!(remaining().expect("restored") > Duration::ZERO);
        });
        assert_eq!(remaining(), None);
    }
}

//! A memory budget for JSONata evaluations.
//!
//! jsonata-core bounds an evaluation's time, recursion and sequence
//! lengths, but not what it allocates: `$reduce([1..40], function($a){ $a
//! & $a }, 'x')` doubles a string forty times and reached 1.8 GB before its
//! 5 s timeout. Its evaluations can be cancelled from outside
//! ([`CancelToken`]), so an allocator that counts what the evaluating
//! thread allocates can stop one the moment it passes its budget.
//!
//! The `stepworker-local` binary installs [`BudgetAllocator`] over
//! jemalloc ([`ENGINE_ALLOCATOR`]); a program that embeds the engine may
//! install either. Without it evaluations are bounded by time only.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use jsonata_core::evaluator::CancelToken;

/// Bytes one JSONata evaluation may hold allocated at once (net of what it
/// frees).
pub const EVALUATION_MEMORY_BUDGET: usize = 128 * 1024 * 1024;

/// An allocator (`A`, the system's by default) that counts the bytes a
/// watched evaluation holds.
///
/// ```ignore
/// #[global_allocator]
/// static ALLOCATOR: stepworker_local::BudgetAllocator = stepworker_local::BudgetAllocator::SYSTEM;
/// ```
#[derive(Debug, Default, Clone, Copy)]
pub struct BudgetAllocator<A = System> {
    inner: A,
}

impl BudgetAllocator<System> {
    /// The budget over the system allocator.
    pub const SYSTEM: Self = Self::over(System);
}

impl<A> BudgetAllocator<A> {
    /// The budget over `inner`, which does the allocating.
    pub const fn over(inner: A) -> Self {
        Self { inner }
    }
}

/// The allocator the `stepworker-local` binary runs on (and the load tool,
/// which measures the engine as the binary runs it): the budget over
/// jemalloc, or over the system allocator where jemalloc is not built
/// (feature `jemalloc` off, or MSVC).
///
/// Why jemalloc: glibc's malloc takes a lock on the arena a block came
/// from when its per-thread cache is full, and the engine frees on one
/// runtime thread much of what another allocated (a request parsed here, an
/// execution run there). Under `load_engine`, `perf` put about a tenth of
/// the CPU in those locks' futex waits and wakes. With jemalloc the load
/// tool's Pass chain and activity round trips ran 1.6-1.8x faster with no
/// more memory (see the README's "Closer to the ceiling").
pub type EngineAllocator = BudgetAllocator<engine_inner::Inner>;

/// The value to install as [`EngineAllocator`]:
///
/// ```ignore
/// #[global_allocator]
/// static ALLOCATOR: stepworker_local::EngineAllocator = stepworker_local::ENGINE_ALLOCATOR;
/// ```
pub const ENGINE_ALLOCATOR: EngineAllocator = BudgetAllocator::over(engine_inner::INNER);

/// The one place that picks what [`EngineAllocator`] allocates with.
#[cfg(all(feature = "jemalloc", not(target_env = "msvc")))]
mod engine_inner {
    pub type Inner = tikv_jemallocator::Jemalloc;
    pub const INNER: Inner = tikv_jemallocator::Jemalloc;
}

#[cfg(not(all(feature = "jemalloc", not(target_env = "msvc"))))]
mod engine_inner {
    pub type Inner = std::alloc::System;
    pub const INNER: Inner = std::alloc::System;
}

/// What one evaluation has allocated, and how to stop it.
pub(crate) struct Watch {
    held: Cell<isize>,
    limit: isize,
    token: CancelToken,
    exceeded: Cell<bool>,
}

impl Watch {
    /// A budget of `limit` bytes that cancels `token` when passed.
    pub fn new(limit: usize, token: CancelToken) -> Self {
        Self {
            held: Cell::new(0),
            limit: isize::try_from(limit).unwrap_or(isize::MAX),
            token,
            exceeded: Cell::new(false),
        }
    }

    /// True if the evaluation passed its budget.
    pub fn exceeded(&self) -> bool {
        self.exceeded.get()
    }

    fn charge(&self, bytes: isize) {
        let held = self.held.get().saturating_add(bytes);
        self.held.set(held);
        if held > self.limit && !self.exceeded.get() {
            self.exceeded.set(true);
            // An atomic store: allocates nothing.
            self.token.cancel();
        }
    }
}

thread_local! {
    /// The watch of the evaluation running on this thread, if any. A const
    /// initializer with no destructor: reading it never allocates.
    static WATCHED: Cell<*const Watch> = const { Cell::new(std::ptr::null()) };
}

/// Runs `work` with the allocations of this thread counted against `watch`.
pub(crate) fn watched<R>(watch: &Watch, work: impl FnOnce() -> R) -> R {
    struct Restore(*const Watch);
    impl Drop for Restore {
        fn drop(&mut self) {
            let _ = WATCHED.try_with(|w| w.set(self.0));
        }
    }
    let previous = WATCHED.with(|w| w.replace(watch));
    let _restore = Restore(previous);
    work()
}

fn charge(bytes: isize) {
    let _ = WATCHED.try_with(|w| {
        let watch = w.get();
        if !watch.is_null() {
            // SAFETY: the pointer is set by `watched` from a reference that
            // outlives the call it wraps, and reset before that call returns
            // (also on unwind); only this thread reads it.
            unsafe { (*watch).charge(bytes) }
        }
    });
}

fn signed(bytes: usize) -> isize {
    isize::try_from(bytes).unwrap_or(isize::MAX)
}

// SAFETY: every method forwards to `inner` unchanged; the counting touches
// only a const thread-local and never allocates.
unsafe impl<A: GlobalAlloc> GlobalAlloc for BudgetAllocator<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        charge(signed(layout.size()));
        unsafe { self.inner.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        charge(signed(layout.size()));
        unsafe { self.inner.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        charge(-signed(layout.size()));
        unsafe { self.inner.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        charge(signed(new_size).saturating_sub(signed(layout.size())));
        unsafe { self.inner.realloc(ptr, layout, new_size) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_watch_cancels_once_its_budget_is_passed() {
        let token = CancelToken::new();
        let watch = Watch::new(100, token.clone());
        watch.charge(60);
        watch.charge(-30);
        watch.charge(60);
        assert!(!watch.exceeded() && !token.is_cancelled());
        watch.charge(20);
        assert!(watch.exceeded() && token.is_cancelled());
    }
}

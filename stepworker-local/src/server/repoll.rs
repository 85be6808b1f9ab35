//! A connection's future, polled again at once when it wakes itself while
//! it is being polled, instead of being handed back to tokio's scheduler.
//!
//! hyper (1.12) wakes a connection's own task on every request whose body
//! the handler reads: taking the body out of its channel wakes the
//! sender's waker, which is the connection task itself, polling the
//! handler. tokio re-queues a task woken during its own poll as a yield,
//! and a yield wakes an idle worker thread to steal it. So every request
//! woke a sleeping thread (a futex wake and wait, about two per request
//! under `strace`), and a lone client's connection hopped between threads:
//! sequential DescribeStateMachine took 4-6x the trivial handler's time on
//! a busy machine, where a woken thread waits for a core. Polling again
//! right here does the same work without the yield.
//!
//! A wake that comes from elsewhere (the socket, a timer, another task)
//! while the future is not being polled goes to the task's waker as
//! always; one that comes during the poll makes the poll run again. A
//! future that keeps waking itself is handed back to the scheduler after
//! [`MAX_REPOLLS`] runs, as a yield, so it cannot hold a thread.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use futures_util::task::AtomicWaker;

/// Polls in a row, at most, of a future that keeps waking itself.
pub const MAX_REPOLLS: usize = 4;

/// Not being polled: a wake goes to the task.
const IDLE: u8 = 0;
/// Being polled: a wake asks for another poll.
const POLLING: u8 = 1;
/// Being polled, and woken meanwhile.
const WOKEN: u8 = 2;

/// `future`, with wakes during its own poll turned into another poll.
pub fn repoll<F: Future>(future: F) -> Repoll<F> {
    Repoll {
        future: Box::pin(future),
        shared: Arc::new(Shared {
            state: AtomicU8::new(IDLE),
            task: AtomicWaker::new(),
        }),
    }
}

/// See [`repoll`].
pub struct Repoll<F> {
    /// Boxed, so `Repoll` is `Unpin` (one allocation per connection).
    future: Pin<Box<F>>,
    shared: Arc<Shared>,
}

struct Shared {
    state: AtomicU8,
    /// The waker of the task that polls the future.
    task: AtomicWaker,
}

impl Wake for Shared {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let mut state = self.state.load(Ordering::Acquire);
        loop {
            match state {
                // The poll in progress sees it and polls again.
                POLLING => match self.state.compare_exchange_weak(
                    POLLING,
                    WOKEN,
                    Ordering::AcqRel,
                    Ordering::Acquire,
                ) {
                    Ok(_) => return,
                    Err(now) => state = now,
                },
                WOKEN => return,
                _ => {
                    // A poll starting meanwhile registered the task first:
                    // at worst the task is polled once for nothing.
                    self.task.wake();
                    return;
                }
            }
        }
    }
}

impl<F: Future> Future for Repoll<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.get_mut();
        let future = &mut this.future;
        this.shared.task.register(cx.waker());
        let waker = Waker::from(this.shared.clone());
        let mut inner = Context::from_waker(&waker);
        for _ in 0..MAX_REPOLLS {
            this.shared.state.store(POLLING, Ordering::Release);
            if let Poll::Ready(output) = future.as_mut().poll(&mut inner) {
                this.shared.state.store(IDLE, Ordering::Release);
                return Poll::Ready(output);
            }
            if this
                .shared
                .state
                .compare_exchange(POLLING, IDLE, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
            {
                return Poll::Pending;
            }
            // Woken during the poll: poll again.
        }
        this.shared.state.store(IDLE, Ordering::Release);
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;
    use std::task::Wake;

    use super::*;

    /// A waker that counts its wakes.
    #[derive(Default)]
    struct Counting(AtomicUsize);

    impl Wake for Counting {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// Wakes itself during its first `self_wakes` polls, then is ready.
    struct WakesItself {
        self_wakes: usize,
        polls: usize,
    }

    impl Future for WakesItself {
        type Output = usize;
        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<usize> {
            self.polls += 1;
            if self.polls <= self.self_wakes {
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
            Poll::Ready(self.polls)
        }
    }

    fn poll_once<F: Future + Unpin>(future: &mut F, task: &Arc<Counting>) -> Poll<F::Output> {
        let waker = Waker::from(task.clone());
        Pin::new(future).poll(&mut Context::from_waker(&waker))
    }

    #[test]
    fn a_wake_during_the_poll_polls_again_without_waking_the_task() {
        let task = Arc::new(Counting::default());
        let mut future = repoll(WakesItself {
            self_wakes: 2,
            polls: 0,
        });
        assert_eq!(poll_once(&mut future, &task), Poll::Ready(3));
        assert_eq!(task.0.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn a_future_that_keeps_waking_itself_yields_to_the_scheduler() {
        let task = Arc::new(Counting::default());
        let mut future = repoll(WakesItself {
            self_wakes: usize::MAX,
            polls: 0,
        });
        assert_eq!(poll_once(&mut future, &task), Poll::Pending);
        assert_eq!(future.future.polls, MAX_REPOLLS);
        assert_eq!(task.0.load(Ordering::SeqCst), 1, "handed back as a yield");
    }

    #[tokio::test]
    async fn a_wake_from_elsewhere_reaches_the_task() {
        let (sender, receiver) = tokio::sync::oneshot::channel::<u8>();
        let reader = tokio::spawn(repoll(receiver));
        tokio::task::yield_now().await;
        std::thread::spawn(move || sender.send(7))
            .join()
            .expect("sender thread")
            .expect("receiver waiting");
        assert_eq!(reader.await.expect("task").expect("value"), 7);
    }

    #[test]
    fn a_wake_between_polls_reaches_the_task() {
        let task = Arc::new(Counting::default());
        let (sender, receiver) = tokio::sync::oneshot::channel::<u8>();
        let mut future = repoll(receiver);
        assert!(poll_once(&mut future, &task).is_pending());
        sender.send(1).expect("receiver there");
        assert_eq!(task.0.load(Ordering::SeqCst), 1);
        assert_eq!(poll_once(&mut future, &task), Poll::Ready(Ok(1)));
    }
}

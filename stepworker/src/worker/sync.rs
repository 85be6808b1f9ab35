//! The clock, timers and task spawning a task's hand-offs are written
//! against (its handler, heartbeats, report retries and slot), so that the
//! model checks in `model_check` can run that same code under shuttle's
//! scheduler, as the engine's task table is checked.
//!
//! In a build for use these are tokio's. In the crate's tests, inside a
//! shuttle run, time is a choice of the explorer: a timer fires after a
//! random number of scheduling steps and moves a clock of the run's own to
//! its deadline, and a spawned task is a shuttle task.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::time::Instant;
use tokio_util::task::AbortOnDropHandle;

/// Now, on the clock timers use.
pub(crate) fn now() -> Instant {
    #[cfg(test)]
    if let Some(now) = model::now() {
        return now;
    }
    Instant::now()
}

/// Waits until `deadline`.
pub(crate) async fn sleep_until(deadline: Instant) {
    #[cfg(test)]
    if model::in_model() {
        return model::sleep_until(deadline).await;
    }
    tokio::time::sleep_until(deadline).await;
}

/// Waits `duration`.
pub(crate) async fn sleep(duration: std::time::Duration) {
    sleep_until(now() + duration).await;
}

/// Runs `future` as a task of its own that nobody waits for (pollers and
/// tasks: the worker's `TaskTracker`s count them, through
/// `TaskTracker::track_future`).
pub(crate) fn spawn_detached<F>(future: F)
where
    F: Future<Output = ()> + Send + 'static,
{
    #[cfg(test)]
    if model::in_model() {
        drop(shuttle::future::spawn(future));
        return;
    }
    drop(tokio::spawn(future));
}

/// A spawned task that is aborted when dropped; awaiting it gives its
/// output, or an error if it was aborted.
pub(crate) struct Spawned<T> {
    inner: Inner<T>,
}

enum Inner<T> {
    Tokio(AbortOnDropHandle<T>),
    #[cfg(test)]
    Model(shuttle::future::JoinHandle<T>),
}

/// A spawned task ended without its output: it was aborted.
#[derive(Debug)]
pub(crate) struct Aborted(String);

impl std::fmt::Display for Aborted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Runs `future` as a task of its own.
pub(crate) fn spawn<F>(future: F) -> Spawned<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    #[cfg(test)]
    if model::in_model() {
        return Spawned {
            inner: Inner::Model(shuttle::future::spawn(future)),
        };
    }
    Spawned {
        inner: Inner::Tokio(AbortOnDropHandle::new(tokio::spawn(future))),
    }
}

impl<T> Spawned<T> {
    /// Stops the task at its next await point.
    pub(crate) fn abort(&self) {
        match &self.inner {
            Inner::Tokio(handle) => handle.abort(),
            #[cfg(test)]
            Inner::Model(handle) => {
                if model::in_model() {
                    handle.abort();
                }
            }
        }
    }
}

impl<T> Future for Spawned<T> {
    type Output = Result<T, Aborted>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match &mut self.inner {
            Inner::Tokio(handle) => Pin::new(handle)
                .poll(cx)
                .map(|joined| joined.map_err(|error| Aborted(error.to_string()))),
            #[cfg(test)]
            Inner::Model(handle) => Pin::new(handle)
                .poll(cx)
                .map(|joined| joined.map_err(|error| Aborted(error.to_string()))),
        }
    }
}

#[cfg(test)]
impl<T> Drop for Spawned<T> {
    fn drop(&mut self) {
        // A tokio handle aborts itself; a shuttle one only detaches.
        if let Inner::Model(_) = &self.inner {
            self.abort();
        }
    }
}

#[cfg(test)]
pub(crate) mod model {
    //! Time inside a shuttle run.

    use std::sync::Mutex;

    use shuttle::rand::Rng;
    use tokio::time::Instant;

    shuttle::lazy_static! {
        /// The run's clock: it starts at the real now and moves only when a
        /// timer fires.
        static ref CLOCK: Mutex<Instant> = Mutex::new(Instant::now());
    }

    pub(crate) fn in_model() -> bool {
        shuttle::current::try_get_current_task().is_some()
    }

    pub(super) fn now() -> Option<Instant> {
        in_model().then(|| {
            *CLOCK
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        })
    }

    /// Fires after up to three scheduling steps, chosen by the explorer.
    pub(super) async fn sleep_until(deadline: Instant) {
        let steps = shuttle::rand::thread_rng().gen_range(0..4u32);
        for _ in 0..steps {
            shuttle::future::yield_now().await;
        }
        let mut clock = CLOCK
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *clock = (*clock).max(deadline);
    }
}

//! The primitives the model-checked copies of the table and the queue are
//! compiled against: shuttle's inside a shuttle run, so every lock and
//! every deadline is a scheduling point the explorer controls; the real
//! ones anywhere else (the copies' own unit tests run on tokio).

use std::fmt;
use std::future::Future;
use std::ops::{Deref, DerefMut};
use std::time::Duration;

use futures_util::future::{select, Either};
use shuttle::rand::Rng;

fn in_model() -> bool {
    shuttle::current::try_get_current_task().is_some()
}

/// A mutex: shuttle's in a model run, parking_lot's elsewhere.
pub enum Mutex<T> {
    /// Outside a model run.
    Real(parking_lot::Mutex<T>),
    /// Inside one: acquiring it is a scheduling point.
    Model(shuttle::sync::Mutex<T>),
}

/// A held [`Mutex`].
pub enum MutexGuard<'a, T> {
    /// Outside a model run.
    Real(parking_lot::MutexGuard<'a, T>),
    /// Inside one.
    Model(shuttle::sync::MutexGuard<'a, T>),
}

impl<T> Mutex<T> {
    /// A mutex of the kind the current run needs.
    pub fn new(value: T) -> Self {
        if in_model() {
            Self::Model(shuttle::sync::Mutex::new(value))
        } else {
            Self::Real(parking_lot::Mutex::new(value))
        }
    }

    /// Locks it (a model mutex is never poisoned: a panic ends the run).
    pub fn lock(&self) -> MutexGuard<'_, T> {
        match self {
            Self::Real(m) => MutexGuard::Real(m.lock()),
            Self::Model(m) => {
                MutexGuard::Model(m.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
            }
        }
    }
}

impl<T: Default> Default for Mutex<T> {
    fn default() -> Self {
        Self::new(T::default())
    }
}

impl<T> fmt::Debug for Mutex<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Mutex")
    }
}

impl<T> Deref for MutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        match self {
            Self::Real(g) => g,
            Self::Model(g) => g,
        }
    }
}

impl<T> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        match self {
            Self::Real(g) => g,
            Self::Model(g) => g,
        }
    }
}

/// A deadline passed.
#[derive(Debug)]
pub struct Elapsed;

/// `future`, unless its deadline passes first. In a model run time is a
/// choice of the explorer: the deadline passes after a random number of
/// scheduling steps (seeded, so a run replays), racing whatever the
/// future waits for.
pub async fn timeout<F: Future>(limit: Duration, future: F) -> Result<F::Output, Elapsed> {
    if !in_model() {
        return tokio::time::timeout(limit, future)
            .await
            .map_err(|_| Elapsed);
    }
    let steps = shuttle::rand::thread_rng().gen_range(0..8u32);
    let deadline = async move {
        for _ in 0..steps {
            shuttle::future::yield_now().await;
        }
    };
    match select(std::pin::pin!(future), std::pin::pin!(deadline)).await {
        Either::Left((output, _)) => Ok(output),
        Either::Right(_) => Err(Elapsed),
    }
}

//! The process signals that ask a worker to stop.

/// Completes at the first SIGTERM or SIGINT (Ctrl-C on every platform).
///
/// Pass it to [`Worker::run_until`](super::Worker::run_until) so a deployment
/// stop drains the worker instead of killing tasks mid-flight, or use
/// [`Worker::run_until_signal`](super::Worker::run_until_signal), which also
/// stops at once on a second signal. If no signal handler can be installed
/// the failure is logged and this never completes.
pub async fn shutdown_signal() {
    Signals::listen().next().await;
}

/// SIGTERM and SIGINT, listened to from creation on, so a second signal that
/// comes quickly after the first is not missed.
pub(crate) struct Signals {
    #[cfg(unix)]
    terminate: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    interrupt: Option<tokio::signal::unix::Signal>,
}

impl Signals {
    /// Starts listening.
    pub(crate) fn listen() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let listen = |kind: SignalKind, name: &str| {
                signal(kind)
                    .map_err(|error| tracing::error!(%error, "cannot listen for {name}"))
                    .ok()
            };
            Self {
                terminate: listen(SignalKind::terminate(), "SIGTERM"),
                interrupt: listen(SignalKind::interrupt(), "SIGINT"),
            }
        }
        #[cfg(not(unix))]
        Self {}
    }

    /// Completes at the next signal.
    pub(crate) async fn next(&mut self) {
        #[cfg(unix)]
        {
            let terminate = recv(self.terminate.as_mut());
            let interrupt = recv(self.interrupt.as_mut());
            tokio::select! {
                () = terminate => tracing::info!("SIGTERM received"),
                () = interrupt => tracing::info!("SIGINT received"),
            }
        }
        #[cfg(not(unix))]
        {
            if let Err(error) = tokio::signal::ctrl_c().await {
                tracing::error!(%error, "cannot listen for Ctrl-C");
                std::future::pending::<()>().await;
            }
            tracing::info!("Ctrl-C received");
        }
    }
}

/// The next delivery of `signal`; never, when it could not be listened to.
#[cfg(unix)]
async fn recv(signal: Option<&mut tokio::signal::unix::Signal>) {
    match signal {
        Some(signal) => {
            if signal.recv().await.is_none() {
                std::future::pending::<()>().await;
            }
        }
        None => std::future::pending::<()>().await,
    }
}

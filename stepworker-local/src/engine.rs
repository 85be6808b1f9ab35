//! A running engine: the HTTP server and the handle to stop it.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::activity_stats::ActivityStats;
use crate::builder::EngineBuilder;
use crate::core::Core;
use crate::error::ApiError;
use crate::pressure::PressureCounts;
use crate::server;
use crate::stats::StatsSnapshot;

/// A Step Functions-compatible engine serving on a local port.
///
/// ```no_run
/// # async fn demo() -> std::io::Result<()> {
/// let engine = stepworker_local::LocalEngine::builder().start().await?;
/// println!("endpoint: {}", engine.endpoint_url());
/// engine.shutdown().await?;
/// # Ok(()) }
/// ```
pub struct LocalEngine {
    core: Arc<Core>,
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<std::io::Result<()>>>,
}

impl LocalEngine {
    /// A builder with the defaults (us-east-1, 123456789012, loopback,
    /// ephemeral port, system clock).
    pub fn builder() -> EngineBuilder {
        EngineBuilder::default()
    }

    /// Starts an engine with the defaults.
    pub async fn start() -> std::io::Result<Self> {
        Self::builder().start().await
    }

    pub(crate) async fn start_with(builder: EngineBuilder) -> std::io::Result<Self> {
        let core = Arc::new(Core::new(builder.config, builder.clock));
        let listener = TcpListener::bind(builder.bind).await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        if !addr.ip().is_loopback() {
            tracing::warn!(
                %addr,
                "stepworker-local is listening on a non-loopback address: anyone who can reach it \
                 can run and read every workflow (it has no authentication)"
            );
        }
        let app = app_router(core.clone()).layer(axum::middleware::from_fn_with_state(
            server::Guard::for_bind(addr.ip()).with_sigv4(builder.sigv4.clone()),
            server::guard,
        ));
        let server = tokio::spawn(server::serve(listener, app, async {
            // Dropping the handle counts as a stop request too.
            let _ = stopped.await;
        }));
        tracing::info!(%addr, region = %core.config.region, "stepworker-local listening");
        Ok(Self {
            core,
            addr,
            stop: Some(stop),
            server: Some(server),
        })
    }

    /// `http://ADDR:PORT`, for `Client::local`, `--endpoint-url` and SDKs.
    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address the engine listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The engine's counters now.
    pub fn stats(&self) -> StatsSnapshot {
        self.core.stats.snapshot()
    }

    /// What quotas and injected faults did, per operation name (operations
    /// never acted on are left out).
    pub fn pressure_stats(&self) -> BTreeMap<String, PressureCounts> {
        self.core.pressure.counters.snapshot()
    }

    /// Parked polls and queued tasks of every activity right now, by
    /// activity ARN.
    pub fn activity_stats(&self) -> BTreeMap<String, ActivityStats> {
        self.core.activity_stats()
    }

    /// The API (`POST /`) and the web console (`GET /`, `/console/...`) as
    /// an axum router on the same engine state, to merge other routes beside
    /// it or serve it on another listener. It refuses cross-origin requests
    /// and sends the console's security headers; it does not check `Host`
    /// (it cannot know where it will be served).
    pub fn router(&self) -> Router {
        app_router(self.core.clone()).layer(axum::middleware::from_fn_with_state(
            server::Guard::for_bind(std::net::Ipv4Addr::UNSPECIFIED.into()),
            server::guard,
        ))
    }

    /// Calls an operation in-process, without HTTP: `operation` is its name
    /// (`"StartExecution"`), `input` its JSON request.
    pub async fn call(&self, operation: &str, input: &Value) -> Result<Value, ApiError> {
        let body = serde_json::to_vec(input).unwrap_or_default();
        let target = format!("{}{operation}", server::TARGET_PREFIX);
        let answer = server::dispatch(&self.core, &target, &body).await?;
        Ok(serde_json::from_slice(&answer).unwrap_or(Value::Null))
    }

    /// Stops serving: parked polls are answered empty, then in-flight
    /// requests finish and the listener closes.
    pub async fn shutdown(mut self) -> std::io::Result<()> {
        self.core.close_all_polls();
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.server.take() {
            Some(server) => server
                .await
                .unwrap_or_else(|e| Err(std::io::Error::other(e))),
            None => Ok(()),
        }
    }
}

impl Drop for LocalEngine {
    fn drop(&mut self) {
        if self.stop.is_some() {
            self.core.close_all_polls();
        }
    }
}

/// The one router every listener serves: the API and, beside it on the same
/// port, the console.
fn app_router(core: Arc<Core>) -> Router {
    server::api_router(core.clone()).merge(crate::console::router(core))
}

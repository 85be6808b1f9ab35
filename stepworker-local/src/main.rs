//! `stepworker-local`: the engine as a standalone server.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use clap::Parser;
use stepworker_local::{LocalEngine, Retention};
use tracing_subscriber::EnvFilter;

/// A local AWS Step Functions-compatible engine (JSON 1.0 protocol on POST /).
#[derive(Debug, Parser)]
#[command(name = "stepworker-local", version)]
struct Args {
    /// Address to listen on. Loopback by default: the engine has no
    /// authentication.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8083)]
    port: u16,
    /// Region in ARNs.
    #[arg(long, default_value = "us-east-1")]
    region: String,
    /// Account id in ARNs.
    #[arg(long, default_value = "123456789012")]
    account_id: String,
    /// Finished executions kept in memory (the oldest is dropped first).
    #[arg(long, default_value_t = stepworker_local::EngineConfig::default().retention.max_finished_executions)]
    retain_executions: usize,
    /// Seconds an empty GetActivityTask waits before answering.
    #[arg(long, default_value_t = 60)]
    poll_timeout_seconds: u64,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let args = Args::parse();
    let engine = LocalEngine::builder()
        .bind(SocketAddr::new(args.host, args.port))
        .region(args.region)
        .account_id(args.account_id)
        .retention(Retention {
            max_finished_executions: args.retain_executions,
        })
        .poll_timeout(Duration::from_secs(args.poll_timeout_seconds))
        .start()
        .await?;
    println!("stepworker-local listening on {}", engine.endpoint_url());
    shutdown_signal().await;
    tracing::info!("shutting down");
    engine.shutdown().await
}

/// Completes on SIGINT (Ctrl-C) or, on Unix, SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {}
        _ = terminate => {}
    }
}

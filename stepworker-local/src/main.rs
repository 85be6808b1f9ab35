//! `stepworker-local`: the engine as a standalone server.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use stepworker_local::{LocalEngine, Retention};
use tracing_subscriber::EnvFilter;

/// A local AWS Step Functions-compatible engine (JSON 1.0 protocol on POST /).
#[derive(Debug, Parser)]
#[command(name = "stepworker-local", version)]
struct Args {
    /// Address to listen on. Loopback by default: the engine has no
    /// authentication. Any other address needs --allow-remote.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// Allow a non-loopback --host: everyone who can reach the address can
    /// run and read every workflow.
    #[arg(long)]
    allow_remote: bool,
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
    /// Mock configuration file (Step Functions Local format) for service
    /// integrations; defaults to the SFN_MOCK_CONFIG environment variable.
    /// Start an execution with `<state machine ARN>#<TestCaseName>` to use it.
    #[arg(long, value_name = "PATH")]
    mock_config: Option<PathBuf>,
}

/// Counts what each JSONata evaluation allocates, so one that builds a
/// gigabyte string is stopped at its budget.
#[global_allocator]
static ALLOCATOR: stepworker_local::BudgetAllocator = stepworker_local::BudgetAllocator;

/// Environment variable naming the mock configuration file, as in Step
/// Functions Local.
const MOCK_CONFIG_ENV: &str = "SFN_MOCK_CONFIG";

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    match run(Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // Display, not Debug: a bad mock file names the file and field.
            eprintln!("stepworker-local: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> std::io::Result<()> {
    if !args.host.is_loopback() {
        if !args.allow_remote {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!(
                    "refusing to listen on {}: the engine has no authentication, so anyone who can \
                     reach that address could run and read every workflow. Pass --allow-remote to \
                     do it anyway.",
                    args.host
                ),
            ));
        }
        eprintln!(
            "stepworker-local: WARNING: listening on {} (not loopback) with no authentication",
            args.host
        );
    }
    let mut builder = LocalEngine::builder()
        .bind(SocketAddr::new(args.host, args.port))
        .region(args.region)
        .account_id(args.account_id)
        .retention(Retention {
            max_finished_executions: args.retain_executions,
        })
        .poll_timeout(Duration::from_secs(args.poll_timeout_seconds));
    // The flag wins over the environment variable.
    let mock_config = args.mock_config.or_else(|| {
        std::env::var_os(MOCK_CONFIG_ENV)
            .filter(|path| !path.is_empty())
            .map(PathBuf::from)
    });
    if let Some(path) = mock_config {
        tracing::info!(path = %path.display(), "mock configuration");
        builder = builder.mock_config_file(path);
    }
    let engine = builder.start().await?;
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

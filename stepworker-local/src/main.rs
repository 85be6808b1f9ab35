//! `stepworker-local`: the engine as a standalone server.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use stepworker_local::{EngineBuilder, LocalEngine, Quotas, Retention};
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
    /// Refuse API requests that are not SigV4-signed with a known key:
    /// the keys of --sigv4-keys, else AWS_ACCESS_KEY_ID and
    /// AWS_SECRET_ACCESS_KEY of the environment.
    #[arg(long)]
    require_sigv4: bool,
    /// File of `ACCESS_KEY_ID SECRET_ACCESS_KEY` lines for --require-sigv4.
    #[arg(long, value_name = "PATH", requires = "require_sigv4")]
    sigv4_keys: Option<PathBuf>,
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
    /// MiB of finished executions kept in memory (inputs, outputs and
    /// histories, estimated; the oldest is dropped first).
    #[arg(long, value_name = "MIB", default_value_t = stepworker_local::EngineConfig::default().retention.max_finished_execution_bytes / (1024 * 1024))]
    retain_execution_mib: usize,
    /// Seconds an empty GetActivityTask waits before answering.
    #[arg(long, default_value_t = 60)]
    poll_timeout_seconds: u64,
    /// Mock configuration file (Step Functions Local format) for service
    /// integrations; defaults to the SFN_MOCK_CONFIG environment variable.
    /// Start an execution with `<state machine ARN>#<TestCaseName>` to use it.
    #[arg(long, value_name = "PATH")]
    mock_config: Option<PathBuf>,
    /// API quotas: `aws` throttles every operation with AWS's token buckets
    /// for `--region` (the larger ones in us-east-1, us-west-2, eu-west-1).
    /// Off by default.
    #[arg(long, value_enum, value_name = "SET")]
    quotas: Option<QuotaSet>,
    /// A token bucket of your own for one operation, OPERATION=SIZE:REFILL
    /// (GetActivityTask=20:10: 20 calls at once, 10 more a second).
    /// Repeatable; wins over `--quotas aws` for that operation.
    #[arg(long = "quota", value_name = "OPERATION=SIZE:REFILL")]
    quota: Vec<String>,
    /// Fault plan (JSON): per operation, rates of throttling, 5xx answers,
    /// connection resets before or after the call took effect, and latency.
    #[arg(long, value_name = "FILE")]
    faults: Option<PathBuf>,
    /// Hand tasks to parked GetActivityTask calls whose client hung up, as
    /// AWS does: such a task is lost until HeartbeatSeconds/TimeoutSeconds.
    #[arg(long)]
    deliver_to_closed_polls: bool,
    /// Several settings at once: `aws-pressure` = `--quotas aws
    /// --deliver-to-closed-polls`.
    #[arg(long, value_enum, value_name = "NAME")]
    profile: Option<Profile>,
}

/// Quota sets `--quotas` knows.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum QuotaSet {
    /// AWS's published buckets for the region.
    Aws,
    /// No quotas (only the `--quota` buckets).
    None,
}

/// Profiles `--profile` knows.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Profile {
    /// AWS's quotas and polls lost as on AWS.
    AwsPressure,
}

/// Counts what each JSONata evaluation allocates, so one that builds a
/// gigabyte string is stopped at its budget; jemalloc underneath.
#[global_allocator]
static ALLOCATOR: stepworker_local::EngineAllocator = stepworker_local::ENGINE_ALLOCATOR;

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
    let flags = args.pressure_flags();
    let mut builder = LocalEngine::builder()
        .bind(SocketAddr::new(args.host, args.port))
        .region(args.region)
        .account_id(args.account_id)
        .retention(Retention {
            max_finished_executions: args.retain_executions,
            max_finished_execution_bytes: args.retain_execution_mib.saturating_mul(1024 * 1024),
        })
        .poll_timeout(Duration::from_secs(args.poll_timeout_seconds));
    if args.require_sigv4 {
        let keys = match &args.sigv4_keys {
            Some(path) => stepworker_local::SigV4Keys::from_file(path)?,
            None => stepworker_local::SigV4Keys::from_env().ok_or_else(|| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "--require-sigv4 needs --sigv4-keys PATH or AWS_ACCESS_KEY_ID and \
                     AWS_SECRET_ACCESS_KEY in the environment",
                )
            })?,
        };
        builder = builder.require_sigv4(keys);
    }
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
    builder = pressure(builder, &flags)?;
    let engine = builder.start().await?;
    println!("stepworker-local listening on {}", engine.endpoint_url());
    shutdown_signal().await;
    tracing::info!("shutting down");
    engine.shutdown().await
}

/// The pressure flags, apart from the rest.
struct PressureFlags {
    quotas: Option<QuotaSet>,
    quota: Vec<String>,
    faults: Option<PathBuf>,
    deliver_to_closed_polls: bool,
    profile: Option<Profile>,
}

impl Args {
    fn pressure_flags(&self) -> PressureFlags {
        PressureFlags {
            quotas: self.quotas,
            quota: self.quota.clone(),
            faults: self.faults.clone(),
            deliver_to_closed_polls: self.deliver_to_closed_polls,
            profile: self.profile,
        }
    }
}

/// Applies the pressure flags; a bad `--quota` stops the start, naming it.
fn pressure(mut builder: EngineBuilder, flags: &PressureFlags) -> std::io::Result<EngineBuilder> {
    if let Some(Profile::AwsPressure) = flags.profile {
        builder = builder.aws_pressure();
    }
    let mut quotas = match (flags.quotas, flags.profile) {
        (Some(QuotaSet::Aws), _) | (None, Some(Profile::AwsPressure)) => Quotas::aws(),
        (Some(QuotaSet::None), _) | (None, None) => Quotas::none(),
    };
    for spec in &flags.quota {
        quotas = quotas.flag(spec)?;
    }
    builder = builder.quotas(quotas);
    if flags.deliver_to_closed_polls {
        builder = builder.deliver_to_closed_polls(true);
    }
    if let Some(path) = &flags.faults {
        tracing::info!(path = %path.display(), "fault plan");
        builder = builder.faults_file(path);
    }
    Ok(builder)
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

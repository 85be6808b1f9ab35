//! The two programs under test, built by cargo as a user builds them.
//!
//! A test or benchmark cannot use `env!("CARGO_BIN_EXE_..")` for them: that
//! only names binaries of the package being tested, and the fleet is an
//! example of `stepworker-examples`, the engine a binary of
//! `stepworker-local`. So cargo is asked to build each one and to say where
//! it put it; when it is fresh (the usual case in `cargo test --workspace`,
//! which builds every example) that takes well under a second.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{bail, Context};
use tokio::process::Command;

/// Building may wait for other cargo runs on the same target directory and,
/// on a fresh checkout, compile everything; it is bounded all the same.
const BUILD_LIMIT: Duration = Duration::from_secs(900);

/// Which cargo profile to build with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    /// `dev`: what the tests use.
    Debug,
    /// `release`: what the benchmarks use.
    Release,
}

impl Profile {
    /// The profile this crate itself was built with, so a test run finds the
    /// artifacts its own `cargo test` built.
    pub fn current() -> Self {
        if cfg!(debug_assertions) {
            Self::Debug
        } else {
            Self::Release
        }
    }
}

/// The paths of the fleet example and the engine binary.
#[derive(Clone, Debug)]
pub struct Binaries {
    /// `examples/fleet`.
    pub fleet: PathBuf,
    /// `stepworker-local`.
    pub engine: PathBuf,
}

impl Binaries {
    /// Builds both with `profile` (in one cargo run) and returns their paths.
    ///
    /// Built with `--workspace` so cargo resolves features exactly as a test
    /// run of the whole workspace does (the engine binary needs its `cli`
    /// feature, which the library users leave off), and finds the artifacts
    /// already fresh.
    pub async fn build(profile: Profile) -> anyhow::Result<Self> {
        let mut cargo = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
        cargo
            .args(["build", "--quiet", "--locked", "--workspace"])
            .args(["--example", "fleet", "--bin", "stepworker-local"])
            .args(["--message-format", "json"]);
        if profile == Profile::Release {
            cargo.arg("--release");
        }
        let built = cargo
            .current_dir(workspace_root())
            .stdin(Stdio::null())
            .kill_on_drop(true)
            .output();
        let built = tokio::time::timeout(BUILD_LIMIT, built)
            .await
            .with_context(|| format!("building took over {BUILD_LIMIT:?}"))?
            .context("running cargo")?;
        if !built.status.success() {
            bail!(
                "cargo build failed:\n{}",
                String::from_utf8_lossy(&built.stderr)
            );
        }
        let stdout = String::from_utf8_lossy(&built.stdout);
        Ok(Self {
            fleet: executable(&stdout, "fleet")?,
            engine: executable(&stdout, "stepworker-local")?,
        })
    }
}

/// The repository root (this crate is `tools/fleet-bench`).
pub fn workspace_root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// The executable cargo reported for target `name`.
fn executable(messages: &str, name: &str) -> anyhow::Result<PathBuf> {
    messages
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|message| message["target"]["name"] == name)
        .find_map(|message| message["executable"].as_str().map(PathBuf::from))
        .with_context(|| format!("cargo reported no executable for {name}"))
}

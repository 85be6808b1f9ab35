//! Runs the examples as a user does: built by cargo, started as processes,
//! judged by exit status and output.

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::Duration;

use tokio::process::{Child, Command};

/// Building may wait for other cargo runs on the same target directory and,
/// on a fresh checkout, compile the example; it is bounded all the same.
const BUILD_LIMIT: Duration = Duration::from_secs(600);

/// Environment variables that would point an example at AWS instead of its
/// embedded engine, or change what it prints.
const SCRUBBED_VARIABLES: [&str; 6] = [
    "AWS_ENDPOINT_URL_SFN",
    "AWS_ENDPOINT_URL",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_PROFILE",
    "RUST_LOG",
];

/// Builds example `name` and returns its executable.
///
/// Built with `--workspace` and the test's own profile so cargo resolves
/// features exactly as the test run of the whole workspace did, and finds
/// the example already fresh.
pub async fn example_binary(name: &str) -> PathBuf {
    let mut build = Command::new(env!("CARGO"));
    build
        .args([
            "build",
            "--quiet",
            "--locked",
            "--workspace",
            "--example",
            name,
        ])
        .args(["--message-format", "json"]);
    if !cfg!(debug_assertions) {
        build.arg("--release");
    }
    let build = build
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output();
    let built = tokio::time::timeout(BUILD_LIMIT, build)
        .await
        .unwrap_or_else(|_| panic!("building example {name} took over {BUILD_LIMIT:?}"))
        .expect("cargo runs");
    assert!(
        built.status.success(),
        "building example {name} failed:\n{}",
        String::from_utf8_lossy(&built.stderr)
    );
    String::from_utf8_lossy(&built.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|message| message["target"]["name"] == name)
        .find_map(|message| message["executable"].as_str().map(PathBuf::from))
        .unwrap_or_else(|| panic!("cargo reported no executable for example {name}"))
}

/// A command for `binary` with no AWS configuration inherited from the
/// environment, its output captured, and killed if the test drops it.
pub fn example_command(binary: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(binary);
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    for variable in SCRUBBED_VARIABLES {
        command.env_remove(variable);
    }
    command
}

/// Runs example `name` to its end, within `limit`.
pub async fn run_example(name: &str, args: &[&str], limit: Duration) -> Output {
    let binary = example_binary(name).await;
    let output = example_command(&binary, args).output();
    tokio::time::timeout(limit, output)
        .await
        .unwrap_or_else(|_| panic!("example {name} still ran after {limit:?}"))
        .expect("the example starts")
}

/// Standard output and error as text, for assertion messages.
pub fn describe(output: &Output) -> String {
    format!(
        "status: {}\n--- stdout\n{}\n--- stderr\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Sends SIGTERM to `child`, as a process manager stopping a deployment does.
pub fn terminate(child: &Child) {
    let pid = child.id().expect("the example is still running");
    let pid = libc::pid_t::try_from(pid).expect("a pid fits pid_t");
    // SAFETY: kill(2) only sends a signal; `pid` is our own child, which has
    // not been reaped (we hold its handle), so the pid cannot be reused.
    let sent = unsafe { libc::kill(pid, libc::SIGTERM) };
    assert_eq!(
        sent,
        0,
        "SIGTERM to {pid}: {}",
        std::io::Error::last_os_error()
    );
}

//! What the engine's own tests share: its binary and a role for state
//! machines, the binary as a child process (`process`: started, its API
//! over plain sockets), and a raw HTTP/1.1 client (`wire`: one connection
//! per call, so a test sees exactly what the wire carries).

pub mod process;
pub mod wire;

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::process::Command;

/// The `stepworker-local` binary cargo built for these tests.
pub const BINARY: &str = env!("CARGO_BIN_EXE_stepworker-local");
/// The role every test state machine names.
pub const ROLE: &str = "arn:aws:iam::123456789012:role/test";

/// The binary on an ephemeral port, with its output piped and no mock file
/// from the environment; killed when dropped.
pub fn engine_command() -> Command {
    let mut command = Command::new(BINARY);
    command
        .args(["--port", "0"])
        .env_remove("SFN_MOCK_CONFIG")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    command
}

/// A file with `contents` in a temporary directory of its own (tests run
/// at once in this binary, so no two share one).
pub fn temp_file(name: &str, contents: &str) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "stepworker-local-tests-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("write");
    path
}

//! A child process whose output is read while it runs (a full pipe would
//! stall it mid-test) and kept for the end, stopped the way a process
//! manager stops it.

use std::ffi::OsStr;
use std::path::Path;
use std::process::{ExitStatus, Stdio};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::Mutex;
use tokio::task::JoinHandle;

/// Environment variables that would point a child at AWS, or change what it
/// prints.
const SCRUBBED_VARIABLES: [&str; 11] = [
    "AWS_ENDPOINT_URL_SFN",
    "AWS_ENDPOINT_URL",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_PROFILE",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "RUST_LOG",
];

/// A running child.
pub struct Running {
    child: Child,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
    readers: Vec<JoinHandle<()>>,
}

/// How a child ended.
#[derive(Debug)]
pub struct Ended {
    /// Its exit status.
    pub status: ExitStatus,
    /// Everything it wrote to standard output.
    pub stdout: String,
    /// Everything it wrote to standard error.
    pub stderr: String,
}

impl Ended {
    /// Both outputs, for error messages.
    pub fn describe(&self) -> String {
        format!(
            "status: {}\n--- stdout\n{}\n--- stderr\n{}",
            self.status, self.stdout, self.stderr
        )
    }
}

impl Running {
    /// Starts `program` with `args` and the environment `env` added to a
    /// scrubbed copy of this one; it is killed if the handle is dropped.
    pub fn spawn<I, S>(program: &Path, args: I, env: &[(&str, &str)]) -> anyhow::Result<Self>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut command = Command::new(program);
        command
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        for variable in SCRUBBED_VARIABLES {
            command.env_remove(variable);
        }
        command.envs(env.iter().copied());
        let mut child = command
            .spawn()
            .with_context(|| format!("starting {}", program.display()))?;
        let stdout = Arc::new(Mutex::new(String::new()));
        let stderr = Arc::new(Mutex::new(String::new()));
        let readers = vec![
            tokio::spawn(read_into(
                child.stdout.take().context("piped stdout")?,
                Arc::clone(&stdout),
            )),
            tokio::spawn(read_into(
                child.stderr.take().context("piped stderr")?,
                Arc::clone(&stderr),
            )),
        ];
        Ok(Self {
            child,
            stdout,
            stderr,
            readers,
        })
    }

    /// The first line (of either output) for which `pick` gives a value,
    /// waiting at most `limit` for it.
    pub async fn wait_for_line<T>(
        &mut self,
        limit: Duration,
        mut pick: impl FnMut(&str) -> Option<T>,
    ) -> anyhow::Result<T> {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            for buffer in [&self.stdout, &self.stderr] {
                if let Some(found) = buffer.lock().await.lines().find_map(&mut pick) {
                    return Ok(found);
                }
            }
            if self.child.try_wait()?.is_some() {
                anyhow::bail!("the process ended first:\n{}", self.snapshot().await);
            }
            if tokio::time::Instant::now() >= deadline {
                anyhow::bail!("no such line within {limit:?}:\n{}", self.snapshot().await);
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The output so far, for error messages.
    pub async fn snapshot(&self) -> String {
        format!(
            "--- stdout\n{}\n--- stderr\n{}",
            self.stdout.lock().await,
            self.stderr.lock().await
        )
    }

    /// Sends SIGTERM, as ECS or Kubernetes do to stop a container.
    pub fn terminate(&self) -> anyhow::Result<()> {
        signal(&self.child, libc::SIGTERM)
    }

    /// Waits (at most `limit`) for the exit and the rest of its output.
    pub async fn wait(mut self, limit: Duration) -> anyhow::Result<Ended> {
        let status = match tokio::time::timeout(limit, self.child.wait()).await {
            Ok(status) => status.context("waiting for the process")?,
            Err(_) => {
                let seen = self.snapshot().await;
                anyhow::bail!("still running after {limit:?}:\n{seen}");
            }
        };
        for reader in self.readers.drain(..) {
            // A grandchild holding the pipes open must not hang the caller.
            let _ = tokio::time::timeout(Duration::from_secs(5), reader).await;
        }
        let stdout = std::mem::take(&mut *self.stdout.lock().await);
        let stderr = std::mem::take(&mut *self.stderr.lock().await);
        Ok(Ended {
            status,
            stdout,
            stderr,
        })
    }
}

/// Appends each line of `from` to `into`.
async fn read_into(from: impl AsyncRead + Unpin, into: Arc<Mutex<String>>) {
    let mut lines = BufReader::new(from).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        let mut buffer = into.lock().await;
        buffer.push_str(&line);
        buffer.push('\n');
    }
}

fn signal(child: &Child, signal: libc::c_int) -> anyhow::Result<()> {
    let pid = child.id().context("the process already ended")?;
    let pid = libc::pid_t::try_from(pid).context("a pid fits pid_t")?;
    // SAFETY: kill(2) only sends a signal; `pid` is our own child, which has
    // not been reaped (we hold its handle), so the pid cannot be reused.
    let sent = unsafe { libc::kill(pid, signal) };
    if sent != 0 {
        anyhow::bail!("signal to {pid}: {}", std::io::Error::last_os_error());
    }
    Ok(())
}

//! The loopback ceiling: a trivial Step Functions-shaped HTTP handler, so
//! the load tools can say how close an engine comes to what HTTP on this
//! machine allows with the same client, in the same run.

use anyhow::{bail, Context, Result};
use axum::http::HeaderMap;
use axum::serve::ListenerExt;

/// What the trivial handler answers to DescribeStateMachine: every member
/// the client requires, so it decodes like a real answer.
const DESCRIBE_STATE_MACHINE: &str = r#"{"stateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:ceiling","name":"ceiling","status":"ACTIVE","definition":"{\"StartAt\":\"S0\",\"States\":{\"S0\":{\"Type\":\"Pass\",\"End\":true}}}","roleArn":"arn:aws:iam::123456789012:role/load","type":"STANDARD","creationDate":1.7e9}"#;
/// What it answers to ListActivities.
const LIST_ACTIVITIES: &str = r#"{"activities":[]}"#;

/// A running trivial handler on 127.0.0.1: in this process (stopped with
/// the runtime) or in a child process (stopped when this is dropped).
pub struct Ceiling {
    url: String,
    child: Option<tokio::process::Child>,
}

/// The line a child ceiling prints before its URL.
const LISTENING: &str = "ceiling listening on ";

impl Ceiling {
    /// Binds an ephemeral loopback port and serves a constant answer per
    /// operation (chosen by `X-Amz-Target`), with no other work.
    pub async fn start() -> Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let app = axum::Router::new().route("/", axum::routing::post(answer));
        // TCP_NODELAY as stepworker-local sets it, so the ceiling is the same
        // HTTP stack minus the engine (without it, small answers wait on
        // delayed ACKs and the "ceiling" sits below the engine).
        let listener = listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        tokio::spawn(async move { axum::serve(listener, app).await });
        Ok(Self { url, child: None })
    }

    /// Runs the handler in a child process, `exe` with `args`, which must
    /// call [`Ceiling::serve_forever`]. An engine in another process is
    /// measured against this one, so both sides pay the same cross-process
    /// wake-ups (in one process a client and a server share threads, which
    /// makes the ceiling a different arrangement from the engine's).
    pub async fn in_child(exe: &std::path::Path, args: &[&str]) -> Result<Self> {
        use tokio::io::AsyncBufReadExt;
        let mut child = tokio::process::Command::new(exe)
            .args(args)
            .stdout(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()?;
        let stdout = child.stdout.take().context("ceiling stdout")?;
        let mut lines = tokio::io::BufReader::new(stdout).lines();
        let url = tokio::time::timeout(std::time::Duration::from_secs(10), async {
            while let Some(line) = lines.next_line().await? {
                if let Some(url) = line.strip_prefix(LISTENING) {
                    return Ok(url.to_owned());
                }
            }
            bail!("the ceiling process ended without its URL")
        })
        .await
        .context("the ceiling process did not start within 10 s")??;
        Ok(Self {
            url,
            child: Some(child),
        })
    }

    /// The child side of [`Ceiling::in_child`]: serves until killed.
    pub async fn serve_forever() -> Result<()> {
        let ceiling = Self::start().await?;
        println!("{LISTENING}{}", ceiling.url);
        std::future::pending::<()>().await;
        Ok(())
    }

    /// Where it runs, for reports.
    pub fn arrangement(&self) -> &'static str {
        if self.child.is_some() {
            "own process"
        } else {
            "in process"
        }
    }

    /// Its endpoint URL.
    pub fn url(&self) -> &str {
        &self.url
    }
}

async fn answer(headers: HeaderMap) -> ([(&'static str, &'static str); 1], &'static str) {
    let target = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let body = if target.ends_with(".DescribeStateMachine") {
        DESCRIBE_STATE_MACHINE
    } else if target.ends_with(".ListActivities") {
        LIST_ACTIVITIES
    } else {
        "{}"
    };
    ([("content-type", "application/x-amz-json-1.0")], body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_signing_client_decodes_its_answers() {
        let ceiling = Ceiling::start().await.unwrap();
        let client = crate::load::load_client(ceiling.url());
        let described = client
            .describe_state_machine()
            .state_machine_arn("arn:aws:states:us-east-1:123456789012:stateMachine:ceiling")
            .send()
            .await
            .unwrap();
        assert_eq!(described.name, "ceiling");
        let listed = client.list_activities().send().await.unwrap();
        assert!(listed.activities.is_empty());
    }
}

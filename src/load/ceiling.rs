//! The loopback ceiling: a trivial Step Functions-shaped HTTP handler, so
//! the load tools can say how close an engine comes to what HTTP on this
//! machine allows with the same client, in the same run.

use anyhow::Result;
use axum::http::HeaderMap;

/// What the trivial handler answers to DescribeStateMachine: every member
/// the client requires, so it decodes like a real answer.
const DESCRIBE_STATE_MACHINE: &str = r#"{"stateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:ceiling","name":"ceiling","status":"ACTIVE","definition":"{\"StartAt\":\"S0\",\"States\":{\"S0\":{\"Type\":\"Pass\",\"End\":true}}}","roleArn":"arn:aws:iam::123456789012:role/load","type":"STANDARD","creationDate":1.7e9}"#;
/// What it answers to ListActivities.
const LIST_ACTIVITIES: &str = r#"{"activities":[]}"#;

/// A running trivial handler on 127.0.0.1 (stopped with the runtime).
pub struct Ceiling {
    url: String,
}

impl Ceiling {
    /// Binds an ephemeral loopback port and serves a constant answer per
    /// operation (chosen by `X-Amz-Target`), with no other work.
    pub async fn start() -> Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let app = axum::Router::new().route("/", axum::routing::post(answer));
        tokio::spawn(async move { axum::serve(listener, app).await });
        Ok(Self { url })
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

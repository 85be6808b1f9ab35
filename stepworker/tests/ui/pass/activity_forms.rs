//! Every accepted handler form: it compiles, stays callable as written, and
//! its generated type carries the attribute's values.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use stepworker::worker::{Activity, ActivityContext, ActivityError, TaskFailure};

#[derive(Deserialize)]
pub struct ResizeRequest {
    pub width: u32,
}

#[derive(Serialize, PartialEq, Debug)]
pub struct Resized {
    pub width: u32,
}

#[derive(Debug, thiserror::Error, stepworker::ActivityError)]
pub enum ResizeError {
    #[error("{0} px is too wide")]
    TooWide(u32),
    #[error("not an image")]
    #[activity_error(name = "Resize.NotAnImage")]
    NotAnImage { reason: String },
}

/// Resizes an image (the doc comment stays on the generated type).
#[stepworker::activity(name = "resize-image", heartbeat = "10s", timeout = "5m")]
pub async fn resize(input: ResizeRequest, ctx: ActivityContext) -> Result<Resized, ResizeError> {
    ctx.heartbeat();
    if input.width > 4000 {
        return Err(ResizeError::TooWide(input.width));
    }
    if input.width == 0 {
        return Err(ResizeError::NotAnImage {
            reason: "empty".into(),
        });
    }
    Ok(Resized {
        width: input.width / 2,
    })
}

#[stepworker::activity(heartbeat = "20s")]
async fn double(input: u64) -> u64 {
    input * 2
}

#[stepworker::activity(timeout = "1h")]
async fn log_only(input: String) {
    let _ = input;
}

/// The usual alias pattern: a type named `Result` is read as a result.
type Result<T, E = TaskFailure> = std::result::Result<T, E>;

#[stepworker::activity(name = "parse_number", timeout = "1m")]
async fn r#parse(input: String) -> Result<i64> {
    input
        .trim()
        .parse()
        .map_err(|_| TaskFailure::new("Parse.NotANumber", input.clone()))
}

#[stepworker::activity(timeout = "1m")]
async fn plain_string_error(input: u8) -> Result<u8, String> {
    input
        .checked_add(250)
        .ok_or_else(|| format!("{input} overflows"))
}

fn assert_activity<A: Activity>(_: &A) {}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    assert_eq!(resize::NAME, "resize-image");
    assert_eq!(resize::HEARTBEAT, Some(Duration::from_secs(10)));
    assert_eq!(resize::TIMEOUT, Some(Duration::from_secs(300)));
    assert_eq!(double::NAME, "double");
    assert_eq!(
        (double::HEARTBEAT, double::TIMEOUT),
        (Some(Duration::from_secs(20)), None)
    );
    assert_eq!(log_only::TIMEOUT, Some(Duration::from_secs(3600)));
    assert_eq!(r#parse::NAME, "parse_number");
    assert_activity(&resize);
    assert_activity(&double);
    assert_activity(&log_only);
    assert_activity(&plain_string_error);

    // Callable as written, with no worker.
    let ctx = ActivityContext::detached();
    let resized = resize(ResizeRequest { width: 800 }, ctx.clone()).await;
    assert_eq!(resized.ok(), Some(Resized { width: 400 }));
    let too_wide = resize(ResizeRequest { width: 5000 }, ctx.clone()).await;
    let error = too_wide.err().map(|e| e.error_name().into_owned());
    assert_eq!(error.as_deref(), Some("ResizeError.TooWide"));
    let empty = resize(ResizeRequest { width: 0 }, ctx).await;
    let error = empty.err().map(|e| e.error_name().into_owned());
    assert_eq!(error.as_deref(), Some("Resize.NotAnImage"));
    assert_eq!(double(21).await, 42);
    log_only("x".into()).await;
    assert_eq!(r#parse(" 7 ".into()).await, Ok(7));
    assert_eq!(plain_string_error(5).await, Ok(255));

    // The generated type runs the handler for the worker.
    let output = double.run(4, ActivityContext::detached()).await;
    assert_eq!(output, Ok(8));
    let failed = plain_string_error.run(9, ActivityContext::detached()).await;
    assert_eq!(failed, Err("9 overflows".to_owned()));
}

//! [`Client`]: one generic path (serialize, sign, send, retry, decode) shared
//! by all 37 operations.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::header::{HeaderValue, CONTENT_TYPE};
use tracing::Instrument;

use super::attempts::{CallPolicy, RetryState};
use super::clock_skew::ClockSkew;
use super::config::Config;
use super::endpoint::Endpoint;
use super::error::Error;
use super::error_parse::{parse_error_response, request_id};
use super::idempotency::{fill_idempotency_token, retry_safety};
use super::retry_quota::RetryQuota;
use super::signing::sign_request;
use super::transport::{RawResponse, Transport};
use crate::model::Operation;

/// Content type of the AWS JSON 1.0 protocol.
const JSON_1_0: &str = "application/x-amz-json-1.0";
/// Prefix of `X-Amz-Target`.
const TARGET_PREFIX: &str = "AWSStepFunctions.";
/// The operation the service holds open for up to 60 s.
const LONG_POLL_OPERATION: &str = "GetActivityTask";

/// A Step Functions client. Cheap to clone: clones share one connection pool,
/// one credentials cache, one retry quota and (in adaptive mode) the rate
/// limiters.
///
/// ```no_run
/// # async fn run() -> Result<(), stepworker::Error> {
/// let client = stepworker::Client::from_env()?;
/// let out = client
///     .start_execution()
///     .state_machine_arn("arn:aws:states:us-east-1:123456789012:stateMachine:demo")
///     .input(r#"{"n": 1}"#)
///     .send()
///     .await?;
/// println!("{}", out.execution_arn);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    /// What every call needs, or why calls cannot be made (reported by each
    /// call, so building a client never fails, as in the AWS SDKs).
    ready: Result<Ready, String>,
    /// The service's clock relative to ours, for signing.
    clock: ClockSkew,
    /// The retry quota and rate limiters every call draws from.
    retry: RetryState,
}

struct Ready {
    region: String,
    endpoint: Endpoint,
    transport: Transport,
}

impl Client {
    /// A client with the given configuration.
    pub fn new(config: Config) -> Self {
        let ready = Ready::new(&config).map_err(|e| e.message());
        if let Err(problem) = &ready {
            tracing::warn!(%problem, "Step Functions client cannot make calls");
        }
        Self {
            inner: Arc::new(Inner {
                retry: RetryState::new(&config.retry),
                config,
                ready,
                clock: ClockSkew::default(),
            }),
        }
    }

    /// A client for a local engine (`http://127.0.0.1:8083`): region us-east-1,
    /// dummy keys `test`/`test`.
    pub fn local(endpoint_url: impl Into<String>) -> Self {
        Self::new(Config::local(endpoint_url))
    }

    /// A client configured from the environment and the shared AWS files, as
    /// [`Config::from_env`] does: static keys when they are there, else (with
    /// the default `aws-config` feature) the AWS credential chain, which finds
    /// keys on ECS, EKS and EC2 with no further code.
    pub fn from_env() -> Result<Self, Error> {
        Ok(Self::new(Config::from_env()?))
    }

    /// The configuration of this client.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The retry quota shared by every call of this client and its clones.
    /// Callers that keep retrying after a call gave up should draw from it.
    pub fn retry_quota(&self) -> &RetryQuota {
        self.inner.retry.quota()
    }

    /// The signed HTTP request `input` would be sent as, without sending it
    /// (to inspect the wire format, or to send it through another HTTP stack).
    pub async fn signed_request<O: Operation>(
        &self,
        input: &O::Input,
    ) -> Result<http::Request<Bytes>, Error> {
        let ready = self.ready()?;
        let body = serialize::<O>(input)?;
        self.sign::<O>(ready, body).await
    }

    /// Sends one operation: serialize, sign, send, retry, decode.
    pub(crate) async fn invoke<O: Operation>(&self, input: O::Input) -> Result<O::Output, Error> {
        self.invoke_with::<O>(input, false).await
    }

    /// Sends one operation with a single attempt (still paced by the
    /// adaptive rate limiter, still counted by the retry quota): for the
    /// worker, whose own retries draw on [`Client::retry_quota`] and see the
    /// outcome of every attempt.
    pub(crate) async fn invoke_once<O: Operation>(
        &self,
        input: O::Input,
    ) -> Result<O::Output, Error> {
        self.invoke_with::<O>(input, true).await
    }

    async fn invoke_with<O: Operation>(
        &self,
        mut input: O::Input,
        single_attempt: bool,
    ) -> Result<O::Output, Error> {
        let ready = self.ready()?;
        fill_idempotency_token::<O>(&mut input);
        let safety = retry_safety::<O>(&input);
        let body = serialize::<O>(&input)?;
        let timeout = self.inner.config.timeouts.for_operation(O::NAME);

        let call = CallPolicy {
            operation: O::NAME,
            safety,
            long_poll: O::NAME == LONG_POLL_OPERATION,
            single_attempt,
        };
        let response = self
            .inner
            .retry
            .run(call, || self.attempt::<O>(ready, body.clone(), timeout))
            .instrument(tracing::debug_span!("step_functions", operation = O::NAME))
            .await?;
        decode::<O>(response)
    }

    fn ready(&self) -> Result<&Ready, Error> {
        self.inner
            .ready
            .as_ref()
            .map_err(|problem| Error::config(problem.clone()))
    }

    /// One try: fresh credentials and signature, one exchange.
    async fn attempt<O: Operation>(
        &self,
        ready: &Ready,
        body: Bytes,
        timeout: Duration,
    ) -> Result<RawResponse, Error> {
        let request = self.sign::<O>(ready, body).await?;
        let response = ready.transport.send(O::NAME, request, timeout).await?;
        self.inner.clock.observe(&response.headers);
        tracing::trace!(
            status = response.status,
            request_id = ?request_id(&response.headers),
            "answer"
        );
        if (200..300).contains(&response.status) {
            Ok(response)
        } else {
            Err(parse_error_response(
                response.status,
                &response.headers,
                &response.body,
            ))
        }
    }

    async fn sign<O: Operation>(
        &self,
        ready: &Ready,
        body: Bytes,
    ) -> Result<http::Request<Bytes>, Error> {
        let target = HeaderValue::try_from(format!("{TARGET_PREFIX}{}", O::NAME))
            .map_err(|e| Error::config(format!("bad operation name {}: {e}", O::NAME)))?;
        let mut request = http::Request::builder()
            .method(http::Method::POST)
            .uri(ready.endpoint.uri_for(O::HOST_PREFIX)?)
            .header(CONTENT_TYPE, HeaderValue::from_static(JSON_1_0))
            .header("x-amz-target", target)
            .body(body)
            .map_err(|e| Error::config(format!("{}: cannot build the request: {e}", O::NAME)))?;
        let credentials = self.inner.config.credentials.resolve().await?;
        sign_request(
            &mut request,
            credentials,
            &ready.region,
            self.inner.clock.now(),
        )?;
        Ok(request)
    }
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

impl Ready {
    fn new(config: &Config) -> Result<Self, Error> {
        let region = config.region.clone().ok_or_else(|| {
            Error::config(
                "no region: set AWS_REGION, a profile `region`, or Config::builder().region(..)",
            )
        })?;
        let endpoint = Endpoint::parse(&config.resolve_endpoint_url()?, config.host_prefix)?;
        let transport = Transport::new(config)?;
        Ok(Self {
            region,
            endpoint,
            transport,
        })
    }
}

fn serialize<O: Operation>(input: &O::Input) -> Result<Bytes, Error> {
    serde_json::to_vec(input)
        .map(Bytes::from)
        .map_err(|e| Error::Serialization {
            operation: O::NAME,
            message: e.to_string(),
        })
}

fn decode<O: Operation>(response: RawResponse) -> Result<O::Output, Error> {
    // Some operations answer with an empty body; it means "no members".
    let body: &[u8] = if response.body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        &response.body
    };
    serde_json::from_slice(body).map_err(|e| Error::Deserialization {
        operation: O::NAME,
        status: response.status,
        message: e.to_string(),
        request_id: request_id(&response.headers),
    })
}

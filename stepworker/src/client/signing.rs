//! SigV4 signing of a request with `aws-sigv4`.

use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use bytes::Bytes;

use super::error::Error;

/// The signing name of Step Functions.
pub const SIGNING_NAME: &str = "states";

/// Adds `x-amz-date`, `Authorization` and, with a session token,
/// `x-amz-security-token` to `request`. Every header already on the request
/// is signed (host is taken from the URI).
pub(crate) fn sign_request(
    request: &mut http::Request<Bytes>,
    credentials: Credentials,
    region: &str,
    time: SystemTime,
) -> Result<(), Error> {
    let identity = Identity::from(credentials);
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(SIGNING_NAME)
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| Error::credentials(format!("cannot build signing parameters: {e}")))?;

    let headers = request
        .headers()
        .iter()
        .map(|(name, value)| Ok((name.as_str(), value.to_str()?)))
        .collect::<Result<Vec<_>, http::header::ToStrError>>()
        .map_err(|e| Error::credentials(format!("cannot sign a non-ASCII header: {e}")))?;
    let uri = request.uri().to_string();
    let signable = SignableRequest::new(
        request.method().as_str(),
        &uri,
        headers.into_iter(),
        SignableBody::Bytes(request.body()),
    )
    .map_err(|e| Error::credentials(format!("cannot sign the request: {e}")))?;
    let (instructions, _signature) = sign(signable, &params.into())
        .map_err(|e| Error::credentials(format!("cannot sign the request: {e}")))?
        .into_parts();
    instructions.apply_to_request_http1x(request);
    Ok(())
}

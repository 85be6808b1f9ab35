//! Optional SigV4 verification, for an engine shared on a network: each
//! request's signature is recomputed with `aws-sigv4` from the access key's
//! secret and compared, as the service does. Off by default (local tools
//! sign with whatever keys they have).

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use axum::http::request::Parts;
use axum::http::{header, StatusCode};

/// How far a request's `X-Amz-Date` may be from the engine's clock, as AWS
/// allows.
pub const MAX_CLOCK_SKEW: Duration = Duration::from_secs(15 * 60);

/// The access keys whose signatures the engine accepts.
#[derive(Clone, Default)]
pub struct SigV4Keys {
    secrets: HashMap<String, String>,
}

impl std::fmt::Debug for SigV4Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Secrets are never printed.
        f.debug_struct("SigV4Keys")
            .field("access_key_ids", &self.secrets.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl SigV4Keys {
    /// One access key and its secret.
    pub fn single(access_key_id: impl Into<String>, secret: impl Into<String>) -> Self {
        let mut keys = Self::default();
        keys.secrets.insert(access_key_id.into(), secret.into());
        keys
    }

    /// `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` of the environment.
    pub fn from_env() -> Option<Self> {
        let id = std::env::var("AWS_ACCESS_KEY_ID")
            .ok()
            .filter(|v| !v.is_empty())?;
        let secret = std::env::var("AWS_SECRET_ACCESS_KEY")
            .ok()
            .filter(|v| !v.is_empty())?;
        Some(Self::single(id, secret))
    }

    /// A file of `ACCESS_KEY_ID SECRET_ACCESS_KEY` lines (blank lines and
    /// `#` comments ignored).
    pub fn from_file(path: &Path) -> std::io::Result<Self> {
        let text = std::fs::read_to_string(path)?;
        let mut keys = Self::default();
        for (number, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut words = line.split_whitespace();
            match (words.next(), words.next(), words.next()) {
                (Some(id), Some(secret), None) => {
                    keys.secrets.insert(id.to_owned(), secret.to_owned());
                }
                _ => {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        format!(
                            "{}: line {}: expected 'ACCESS_KEY_ID SECRET_ACCESS_KEY'",
                            path.display(),
                            number + 1
                        ),
                    ))
                }
            }
        }
        if keys.secrets.is_empty() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{}: no keys", path.display()),
            ));
        }
        Ok(keys)
    }

    /// Checks the request's signature; the error AWS would answer.
    pub(crate) fn verify(&self, parts: &Parts, body: &[u8]) -> Result<(), Refusal> {
        let authorization =
            header_text(parts, header::AUTHORIZATION.as_str()).ok_or_else(|| {
                Refusal::new("MissingAuthenticationToken", "Missing Authentication Token")
            })?;
        let auth = Authorization::parse(authorization).ok_or_else(|| {
            Refusal::new("IncompleteSignature", "The request signature is malformed.")
        })?;
        let secret = self.secrets.get(auth.access_key_id).ok_or_else(|| {
            Refusal::new(
                "UnrecognizedClientException",
                "The security token included in the request is invalid.",
            )
        })?;
        let date = header_text(parts, "x-amz-date")
            .ok_or_else(|| Refusal::new("IncompleteSignature", "X-Amz-Date is missing."))?;
        let time = parse_amz_date(date)
            .ok_or_else(|| Refusal::new("IncompleteSignature", "X-Amz-Date is malformed."))?;
        let skew = match SystemTime::now().duration_since(time) {
            Ok(behind) => behind,
            Err(ahead) => ahead.duration(),
        };
        if skew > MAX_CLOCK_SKEW {
            return Err(Refusal::new(
                "InvalidSignatureException",
                "Signature expired: the request time is more than 15 minutes from the server time.",
            ));
        }
        let host = header_text(parts, header::HOST.as_str())
            .ok_or_else(|| Refusal::new("IncompleteSignature", "Host is missing."))?;
        let expected = expected_signature(parts, body, &auth, secret, host, time)
            .ok_or_else(|| Refusal::new("IncompleteSignature", "The request cannot be signed."))?;
        if !constant_time_eq(expected.as_bytes(), auth.signature.as_bytes()) {
            return Err(Refusal::new(
                "InvalidSignatureException",
                "The request signature we calculated does not match the signature you provided.",
            ));
        }
        Ok(())
    }
}

/// A refused signature: AWS's error name and message (HTTP 400).
#[derive(Debug)]
pub(crate) struct Refusal {
    pub code: &'static str,
    pub message: String,
}

impl Refusal {
    fn new(code: &'static str, message: &str) -> Self {
        Self {
            code,
            message: message.to_owned(),
        }
    }

    /// The HTTP status of the refusal.
    pub fn status(&self) -> StatusCode {
        StatusCode::BAD_REQUEST
    }
}

/// `AWS4-HMAC-SHA256 Credential=ID/DATE/REGION/SERVICE/aws4_request,
/// SignedHeaders=a;b, Signature=HEX`.
struct Authorization<'a> {
    access_key_id: &'a str,
    region: &'a str,
    service: &'a str,
    signed_headers: Vec<&'a str>,
    signature: &'a str,
}

impl<'a> Authorization<'a> {
    fn parse(text: &'a str) -> Option<Self> {
        let rest = text.strip_prefix("AWS4-HMAC-SHA256 ")?;
        let mut credential = None;
        let mut signed_headers = None;
        let mut signature = None;
        for part in rest.split(',') {
            let (name, value) = part.trim().split_once('=')?;
            match name {
                "Credential" => credential = Some(value),
                "SignedHeaders" => signed_headers = Some(value),
                "Signature" => signature = Some(value),
                _ => {}
            }
        }
        let mut scope = credential?.split('/');
        let access_key_id = scope.next()?;
        let _date = scope.next()?;
        let region = scope.next()?;
        let service = scope.next()?;
        (scope.next()? == "aws4_request").then_some(())?;
        Some(Self {
            access_key_id,
            region,
            service,
            signed_headers: signed_headers?.split(';').collect(),
            signature: signature?,
        })
    }
}

/// The signature `aws-sigv4` computes for the request's signed headers.
fn expected_signature(
    parts: &Parts,
    body: &[u8],
    auth: &Authorization<'_>,
    secret: &str,
    host: &str,
    time: SystemTime,
) -> Option<String> {
    let token = header_text(parts, "x-amz-security-token").map(str::to_owned);
    let identity = Identity::from(Credentials::new(
        auth.access_key_id,
        secret,
        token,
        None,
        "stepworker-local",
    ));
    let mut settings = SigningSettings::default();
    // Exactly the headers the client signed, no more, no fewer.
    settings.excluded_headers = None;
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(auth.region)
        .name(auth.service)
        .time(time)
        .settings(settings)
        .build()
        .ok()?;
    let mut headers = Vec::new();
    for name in &auth.signed_headers {
        // The signer writes these itself, from the time and the identity.
        if matches!(*name, "x-amz-date" | "x-amz-security-token") {
            continue;
        }
        headers.push((*name, header_text(parts, name)?));
    }
    let uri = format!(
        "http://{host}{}",
        parts.uri.path_and_query().map_or("/", |p| p.as_str())
    );
    let signable = SignableRequest::new(
        parts.method.as_str(),
        &uri,
        headers.into_iter(),
        SignableBody::Bytes(body),
    )
    .ok()?;
    let (_, signature) = sign(signable, &params.into()).ok()?.into_parts();
    Some(signature)
}

fn header_text<'p>(parts: &'p Parts, name: &str) -> Option<&'p str> {
    parts.headers.get(name).and_then(|v| v.to_str().ok())
}

/// `20261205T082500Z` as a time.
fn parse_amz_date(text: &str) -> Option<SystemTime> {
    let bytes = text.as_bytes();
    if bytes.len() != 16 || bytes[8] != b'T' || bytes[15] != b'Z' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<i64> { text.get(range)?.parse().ok() };
    let (year, month, day) = (number(0..4)?, number(4..6)?, number(6..8)?);
    let (hour, minute, second) = (number(9..11)?, number(11..13)?, number(13..15)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second;
    let seconds = u64::try_from(seconds).ok()?;
    UNIX_EPOCH.checked_add(Duration::from_secs(seconds))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amz_dates_parse_to_epoch_seconds() {
        let time = parse_amz_date("20150830T123600Z").expect("valid");
        assert_eq!(
            time.duration_since(UNIX_EPOCH)
                .expect("after epoch")
                .as_secs(),
            1_440_938_160
        );
        assert!(parse_amz_date("2015-08-30T12:36:00Z").is_none());
        assert!(parse_amz_date("20151330T123600Z").is_none());
    }

    #[test]
    fn authorization_headers_are_read() {
        let auth = Authorization::parse(
            "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/states/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date, Signature=abc",
        )
        .expect("parses");
        assert_eq!(auth.access_key_id, "AKID");
        assert_eq!(auth.region, "us-east-1");
        assert_eq!(auth.service, "states");
        assert_eq!(auth.signed_headers, ["content-type", "host", "x-amz-date"]);
        assert_eq!(auth.signature, "abc");
        assert!(Authorization::parse("Bearer x").is_none());
    }
}
